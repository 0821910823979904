import { Option, type Command } from 'commander';
import { numberOption } from '../shared/run-until-signal.ts';
import { parsedOption, simulatorCommand, type SimulatorCommandOptions } from '../shared/simulator-command.ts';
import { COSYVOICE_TONES, type CosyVoiceTone } from './sentence-tone.ts';
import { startCosyVoiceSimulator } from './server.ts';

interface CosyVoiceCommandOptions extends SimulatorCommandOptions {
  rtf: number;
  firstFrameDelayMs: number;
  taskStartedDelayMs: number;
  idleTimeoutMs: number;
  tone: CosyVoiceTone;
}

/** `simulator cosyvoice …`: runs the CosyVoice (DashScope WebSocket) simulator in the foreground. */
export function cosyVoiceCommand(): Command {
  return simulatorCommand({
    name: 'cosyvoice',
    description: 'Alibaba CosyVoice simulator (DashScope duplex WebSocket, faults on demand)',
    keyHelp: 'the API key accepted as bearer',
    faultedUnits: 'connections',
    loggedUnit: 'task',
    providerOptions: (command) =>
      command
        .option('--rtf <factor>', 'synthesis time per second of audio', parsedOption(numberOption('--rtf', 0, 100)), 0.3)
        .option(
          '--first-frame-delay-ms <ms>',
          'extra wait before a task’s first audio',
          parsedOption(numberOption('--first-frame-delay-ms', 0, 600_000)),
          500,
        )
        .option(
          '--task-started-delay-ms <ms>',
          'wait between run-task and task-started',
          parsedOption(numberOption('--task-started-delay-ms', 0, 600_000)),
          0,
        )
        .option(
          '--idle-timeout-ms <ms>',
          'a task silent this long fails',
          parsedOption(numberOption('--idle-timeout-ms', 1, 600_000)),
          23_000,
        )
        .addOption(
          new Option(
            '--tone <kind>',
            'the audio: per-text (a pitch per sentence from a hash of it) or sentences (one burst per sentence, known gaps between, each task recording where its sentences start)',
          )
            .choices(COSYVOICE_TONES)
            .default('per-text'),
        ),
    start: (common, options: CosyVoiceCommandOptions) =>
      startCosyVoiceSimulator({
        ...common,
        rtf: options.rtf,
        firstFrameDelayMs: options.firstFrameDelayMs,
        taskStartedDelayMs: options.taskStartedDelayMs,
        idleTimeoutMs: options.idleTimeoutMs,
        tone: options.tone,
      }),
    envLines: (simulator) => [`DASHSCOPE_WS_URL=${simulator.url}`],
  });
}
