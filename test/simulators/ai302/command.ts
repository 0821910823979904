import { Command, InvalidArgumentError, Option } from 'commander';
import { integerOption, numberOption, runUntilSignal } from '../shared/run-until-signal.ts';
import { startAi302Simulator } from './server.ts';

interface Ai302CommandOptions {
  port: number;
  host: string;
  key: string;
  faultRate?: number;
  seed: number;
  msPerChar: number;
  stageMs: number;
  shape: 'flat' | 'wrapped';
  resultFormat: 'wav' | 'mp3';
  urlField: string;
  maxChars?: number;
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

/** `simulator ai302 …`: runs the 302.AI Higgs Audio v2 task simulator in the foreground. */
export function ai302Command(): Command {
  return new Command('ai302')
    .description('302.AI Higgs Audio v2 simulator (create/query tasks, result files; faults on demand)')
    .option('--port <port>', 'port to listen on (0 = any free port)', option(integerOption('--port', 0, 65535)), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <key>', 'the API key accepted as Bearer', 'test-key')
    .option('--fault-rate <rate>', 'share of create requests given a random fault, 0..1', option(numberOption('--fault-rate', 0, 1)))
    .option('--seed <seed>', 'seed of the fault draw', option(integerOption('--seed', 0, 2 ** 32 - 1)), 1)
    .option('--ms-per-char <ms>', 'speech per spoken character', option(numberOption('--ms-per-char', 0.1, 10_000)), 60)
    .option('--stage-ms <ms>', 'time a task spends pending, then processing', option(integerOption('--stage-ms', 0, 3_600_000)), 1000)
    .addOption(new Option('--shape <shape>', 'answer shape').choices(['flat', 'wrapped']).default('flat'))
    .addOption(new Option('--result-format <format>', 'container served at the result link').choices(['wav', 'mp3']).default('wav'))
    .option('--url-field <path>', 'where a finished task carries its link (dotted path)', 'audio_url')
    .option('--max-chars <n>', 'refuse longer input_text', option(integerOption('--max-chars', 1, 1_000_000)))
    .option('--quiet', 'no line per request on stderr')
    .action(async (options: Ai302CommandOptions) => {
      const simulator = await startAi302Simulator({
        port: options.port,
        host: options.host,
        apiKey: options.key,
        seed: options.seed,
        msPerChar: options.msPerChar,
        stageMs: options.stageMs,
        shape: options.shape,
        resultFormat: options.resultFormat,
        urlField: options.urlField,
        // A long chaos run must not grow without bound.
        maxRecorded: 1000,
        ...(options.maxChars === undefined ? {} : { maxChars: options.maxChars }),
        ...(options.faultRate === undefined ? {} : { faultRate: options.faultRate }),
        ...(options.quiet ? {} : { log: (line: string) => console.error(line) }),
      });
      console.log(`AI302_BASE_URL=${simulator.url}`);
      console.log(`AI302_CLONE_PATH=${simulator.clonePath}`);
      console.log(`AI302_GENERATE_PATH=${simulator.generatePath}`);
      await runUntilSignal(() => simulator.close());
    });
}
