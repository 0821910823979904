import { Command, InvalidArgumentError, Option } from 'commander';
import { integerOption, numberOption, runUntilSignal } from '../shared/run-until-signal.ts';
import { startSenseNovaSimulator } from './server.ts';

interface SenseNovaCommandOptions {
  port: number;
  host: string;
  key: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  faultRate?: number;
  seed: number;
  msPerChar: number;
  chunkBytes: number;
  eventIntervalMs: number;
  encoding: 'hex' | 'base64';
  finalAudio: 'aggregate' | 'last-chunk' | 'empty';
  linkTtlMs: number;
  maxInputChars: number;
  mp3Tags: boolean;
  quiet?: boolean;
}

/** Wraps a parser so commander reports its message as a bad option value. */
function option<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

/** `simulator sensenova …`: runs the SenseNova speech fusion v2 simulator in the foreground. */
export function senseNovaCommand(): Command {
  return new Command('sensenova')
    .description('SenseNova /v1/audio/speech_fusion simulator (SSE with [DONE], url mode, API key or JWT, faults on demand)')
    .option('--port <port>', 'port to listen on (0 = any free port)', option(integerOption('--port', 0, 65535)), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <key>', 'the API key accepted as Bearer', 'test-key')
    .option('--access-key-id <id>', 'accept HS256 JWTs issued by this AccessKey ID (with --secret-access-key)')
    .option('--secret-access-key <secret>', 'the AccessKey secret that signs accepted JWTs')
    .option('--fault-rate <rate>', 'share of requests given a random fault, 0..1', option(numberOption('--fault-rate', 0, 1)))
    .option('--seed <seed>', 'seed of the fault draw', option(integerOption('--seed', 0, 2 ** 32 - 1)), 1)
    .option('--ms-per-char <ms>', 'speech per spoken character', option(numberOption('--ms-per-char', 0.1, 10_000)), 60)
    .option('--chunk-bytes <n>', 'audio bytes per SSE event', option(integerOption('--chunk-bytes', 1, 2 ** 30)), 4096)
    .option('--event-interval-ms <ms>', 'pause between SSE events', option(numberOption('--event-interval-ms', 0, 60_000)), 0)
    .addOption(new Option('--encoding <encoding>', 'inline audio encoding').choices(['hex', 'base64']).default('hex'))
    .addOption(new Option('--final-audio <what>', 'audio of the status-2 event').choices(['aggregate', 'last-chunk', 'empty']).default('aggregate'))
    .option('--link-ttl-ms <ms>', 'lifetime of url-mode links', option(integerOption('--link-ttl-ms', 1, 2 ** 31 - 1)), 60_000)
    .option('--max-input-chars <n>', 'longest input accepted, in code points', option(integerOption('--max-input-chars', 1, 1_000_000)), 2000)
    .option('--no-mp3-tags', 'mp3 without ID3v2 tag and Info frame')
    .option('--quiet', 'no line per request on stderr')
    .action(async (options: SenseNovaCommandOptions) => {
      if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
        throw new InvalidArgumentError('--access-key-id and --secret-access-key go together');
      }
      const simulator = await startSenseNovaSimulator({
        port: options.port,
        host: options.host,
        apiKey: options.key,
        ...(options.accessKeyId !== undefined && options.secretAccessKey !== undefined
          ? { accessKey: { id: options.accessKeyId, secret: options.secretAccessKey } }
          : {}),
        seed: options.seed,
        msPerChar: options.msPerChar,
        chunkBytes: options.chunkBytes,
        eventIntervalMs: options.eventIntervalMs,
        encoding: options.encoding,
        finalAudio: options.finalAudio,
        linkTtlMs: options.linkTtlMs,
        maxInputChars: options.maxInputChars,
        mp3Tags: options.mp3Tags,
        // A long chaos run must not grow without bound.
        maxRecorded: 1000,
        ...(options.faultRate === undefined ? {} : { faultRate: options.faultRate }),
        ...(options.quiet ? {} : { log: (line: string) => console.error(line) }),
      });
      console.log(`SENSENOVA_BASE_URL=${simulator.url}`);
      await runUntilSignal(() => simulator.close());
    });
}
