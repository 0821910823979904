import { Command, InvalidArgumentError } from 'commander';
import { integerOption, numberOption, runUntilSignal } from '../shared/run-until-signal.ts';
import { startSenseAudioSimulator } from './server.ts';

interface SenseAudioCommandOptions {
  port: number;
  host: string;
  key: string;
  faultRate?: number;
  seed: number;
  msPerChar: number;
  chunkHexChars: number;
  eventIntervalMs: number;
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

/** `simulator senseaudio …`: runs the SenseAudio simulator in the foreground. */
export function senseAudioCommand(): Command {
  return new Command('senseaudio')
    .description('SenseAudio /v1/t2a_v2 simulator (one-shot JSON and SSE, faults on demand)')
    .option('--port <port>', 'port to listen on (0 = any free port)', option(integerOption('--port', 0, 65535)), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <key>', 'the API key accepted as Bearer', 'test-key')
    .option('--fault-rate <rate>', 'share of requests given a random fault, 0..1', option(numberOption('--fault-rate', 0, 1)))
    .option('--seed <seed>', 'seed of the fault draw', option(integerOption('--seed', 0, 2 ** 32 - 1)), 1)
    .option('--ms-per-char <ms>', 'speech per spoken character', option(numberOption('--ms-per-char', 0.1, 10_000)), 60)
    .option('--chunk-hex-chars <n>', 'hex characters per SSE audio event', option(integerOption('--chunk-hex-chars', 1, 2 ** 30)), 8192)
    .option('--event-interval-ms <ms>', 'pause between SSE events', option(numberOption('--event-interval-ms', 0, 60_000)), 0)
    .option('--no-mp3-tags', 'mp3 without ID3v2 tag and Info frame')
    .option('--quiet', 'no line per request on stderr')
    .action(async (options: SenseAudioCommandOptions) => {
      const simulator = await startSenseAudioSimulator({
        port: options.port,
        host: options.host,
        apiKey: options.key,
        seed: options.seed,
        msPerChar: options.msPerChar,
        chunkHexChars: options.chunkHexChars,
        eventIntervalMs: options.eventIntervalMs,
        mp3Tags: options.mp3Tags,
        // A long chaos run must not grow without bound.
        maxRecorded: 1000,
        ...(options.faultRate === undefined ? {} : { faultRate: options.faultRate }),
        ...(options.quiet ? {} : { log: (line: string) => console.error(line) }),
      });
      console.log(`SENSEAUDIO_BASE_URL=${simulator.url}`);
      await runUntilSignal(() => simulator.close());
    });
}
