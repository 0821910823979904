import { Command, InvalidArgumentError } from 'commander';
import { integerOption, numberOption, runUntilSignal } from '../shared/run-until-signal.ts';
import { startCosyVoiceSimulator } from './server.ts';

interface CosyVoiceCommandOptions {
  port: number;
  host: string;
  key: string;
  faultRate?: number;
  seed: number;
  msPerChar: number;
  rtf: number;
  firstFrameDelayMs: number;
  taskStartedDelayMs: number;
  idleTimeoutMs: number;
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

/** `simulator cosyvoice …`: runs the CosyVoice (DashScope WebSocket) simulator in the foreground. */
export function cosyVoiceCommand(): Command {
  return new Command('cosyvoice')
    .description('Alibaba CosyVoice simulator (DashScope duplex WebSocket, faults on demand)')
    .option('--port <port>', 'port to listen on (0 = any free port)', option(integerOption('--port', 0, 65535)), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--key <key>', 'the API key accepted as bearer', 'test-key')
    .option('--fault-rate <rate>', 'share of connections given a random fault, 0..1', option(numberOption('--fault-rate', 0, 1)))
    .option('--seed <seed>', 'seed of the fault draw', option(integerOption('--seed', 0, 2 ** 32 - 1)), 1)
    .option('--ms-per-char <ms>', 'speech per spoken character', option(numberOption('--ms-per-char', 0.1, 10_000)), 60)
    .option('--rtf <factor>', 'synthesis time per second of audio', option(numberOption('--rtf', 0, 100)), 0.3)
    .option('--first-frame-delay-ms <ms>', 'extra wait before a task’s first audio', option(numberOption('--first-frame-delay-ms', 0, 600_000)), 500)
    .option('--task-started-delay-ms <ms>', 'wait between run-task and task-started', option(numberOption('--task-started-delay-ms', 0, 600_000)), 0)
    .option('--idle-timeout-ms <ms>', 'a task silent this long fails', option(numberOption('--idle-timeout-ms', 1, 600_000)), 23_000)
    .option('--quiet', 'no line per task on stderr')
    .action(async (options: CosyVoiceCommandOptions) => {
      const simulator = await startCosyVoiceSimulator({
        port: options.port,
        host: options.host,
        apiKey: options.key,
        seed: options.seed,
        msPerChar: options.msPerChar,
        rtf: options.rtf,
        firstFrameDelayMs: options.firstFrameDelayMs,
        taskStartedDelayMs: options.taskStartedDelayMs,
        idleTimeoutMs: options.idleTimeoutMs,
        // A long chaos run must not grow without bound.
        maxRecorded: 1000,
        ...(options.faultRate === undefined ? {} : { faultRate: options.faultRate }),
        ...(options.quiet ? {} : { log: (line: string) => console.error(line) }),
      });
      console.log(`DASHSCOPE_WS_URL=${simulator.url}`);
      await runUntilSignal(() => simulator.close());
    });
}
