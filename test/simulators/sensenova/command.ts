import { InvalidArgumentError, Option, type Command } from 'commander';
import { integerOption, numberOption } from '../shared/run-until-signal.ts';
import { parsedOption, simulatorCommand, type SimulatorCommandOptions } from '../shared/simulator-command.ts';
import { SIM_TONES, type SimTone } from '../senseaudio/audio.ts';
import { startSenseNovaSimulator } from './server.ts';

interface SenseNovaCommandOptions extends SimulatorCommandOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  chunkBytes: number;
  eventIntervalMs: number;
  encoding: 'hex' | 'base64';
  finalAudio: 'aggregate' | 'last-chunk' | 'empty';
  linkTtlMs: number;
  maxInputChars: number;
  mp3Tags: boolean;
  tone: SimTone;
}

/** `simulator sensenova …`: runs the SenseNova speech fusion v2 simulator in the foreground. */
export function senseNovaCommand(): Command {
  return simulatorCommand({
    name: 'sensenova',
    description: 'SenseNova /v1/audio/speech_fusion simulator (SSE with [DONE], url mode, API key or JWT, faults on demand)',
    keyHelp: 'the API key accepted as Bearer',
    faultedUnits: 'requests',
    loggedUnit: 'request',
    credentialOptions: (command) =>
      command
        .option('--access-key-id <id>', 'accept HS256 JWTs issued by this AccessKey ID (with --secret-access-key)')
        .option('--secret-access-key <secret>', 'the AccessKey secret that signs accepted JWTs'),
    providerOptions: (command) =>
      command
        .option('--chunk-bytes <n>', 'audio bytes per SSE event', parsedOption(integerOption('--chunk-bytes', 1, 2 ** 30)), 4096)
        .option('--event-interval-ms <ms>', 'pause between SSE events', parsedOption(numberOption('--event-interval-ms', 0, 60_000)), 0)
        .addOption(new Option('--encoding <encoding>', 'inline audio encoding').choices(['hex', 'base64']).default('hex'))
        .addOption(
          new Option('--final-audio <what>', 'audio of the status-2 event')
            .choices(['aggregate', 'last-chunk', 'empty'])
            .default('aggregate'),
        )
        .option('--link-ttl-ms <ms>', 'lifetime of url-mode links', parsedOption(integerOption('--link-ttl-ms', 1, 2 ** 31 - 1)), 60_000)
        .option(
          '--max-input-chars <n>',
          'longest input accepted, in code points',
          parsedOption(integerOption('--max-input-chars', 1, 1_000_000)),
          2000,
        )
        .option('--no-mp3-tags', 'mp3 without ID3v2 tag and Info frame')
        .addOption(
          new Option(
            '--tone <kind>',
            'the audio, as the senseaudio simulator’s: per-text, continuous, or sentences (one burst per sentence, known gaps between)',
          )
            .choices(SIM_TONES)
            .default('per-text'),
        ),
    start: (common, options: SenseNovaCommandOptions) => {
      if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
        throw new InvalidArgumentError('--access-key-id and --secret-access-key go together');
      }
      return startSenseNovaSimulator({
        ...common,
        ...(options.accessKeyId !== undefined && options.secretAccessKey !== undefined
          ? { accessKey: { id: options.accessKeyId, secret: options.secretAccessKey } }
          : {}),
        chunkBytes: options.chunkBytes,
        eventIntervalMs: options.eventIntervalMs,
        encoding: options.encoding,
        finalAudio: options.finalAudio,
        linkTtlMs: options.linkTtlMs,
        maxInputChars: options.maxInputChars,
        mp3Tags: options.mp3Tags,
        tone: options.tone,
      });
    },
    envLines: (simulator) => [`SENSENOVA_BASE_URL=${simulator.url}`],
  });
}
