import { Option, type Command } from 'commander';
import { integerOption } from '../shared/run-until-signal.ts';
import { parsedOption, simulatorCommand, type SimulatorCommandOptions } from '../shared/simulator-command.ts';
import { AI302_TONES, type Ai302Tone } from './audio.ts';
import { startAi302Simulator } from './server.ts';

interface Ai302CommandOptions extends SimulatorCommandOptions {
  stageMs: number;
  shape: 'flat' | 'wrapped';
  resultFormat: 'wav' | 'mp3';
  urlField: string;
  maxChars?: number;
  unknownTask: 'http404' | 'business';
  tone: Ai302Tone;
}

/** `simulator ai302 …`: runs the 302.AI Higgs Audio v2 task simulator in the foreground. */
export function ai302Command(): Command {
  return simulatorCommand({
    name: 'ai302',
    description: '302.AI Higgs Audio v2 simulator (create/query tasks, result files; faults on demand)',
    keyHelp: 'the API key accepted as Bearer',
    faultedUnits: 'create requests',
    loggedUnit: 'request',
    providerOptions: (command) =>
      command
        .option(
          '--stage-ms <ms>',
          'time a task spends pending, then processing',
          parsedOption(integerOption('--stage-ms', 0, 3_600_000)),
          1000,
        )
        .addOption(new Option('--shape <shape>', 'answer shape').choices(['flat', 'wrapped']).default('flat'))
        .addOption(new Option('--result-format <format>', 'container served at the result link').choices(['wav', 'mp3']).default('wav'))
        .option('--url-field <path>', 'where a finished task carries its link (dotted path)', 'audio_url')
        .addOption(
          new Option(
            '--unknown-task <variant>',
            'answer to a query for a task id never made (http404: 404 JSON; business: 200 {code: 404})',
          )
            .choices(['http404', 'business'])
            .default('http404'),
        )
        .option('--max-chars <n>', 'refuse longer input_text', parsedOption(integerOption('--max-chars', 1, 1_000_000)))
        .addOption(
          new Option(
            '--tone <kind>',
            'the audio: per-text (a pitch from a hash of the text) or sentences (one burst per sentence, known gaps between, each task recording where its sentences start)',
          )
            .choices(AI302_TONES)
            .default('per-text'),
        ),
    start: (common, options: Ai302CommandOptions) =>
      startAi302Simulator({
        ...common,
        stageMs: options.stageMs,
        shape: options.shape,
        resultFormat: options.resultFormat,
        urlField: options.urlField,
        unknownTask: options.unknownTask,
        tone: options.tone,
        ...(options.maxChars === undefined ? {} : { maxChars: options.maxChars }),
      }),
    envLines: (simulator) => [
      `AI302_BASE_URL=${simulator.url}`,
      `AI302_CLONE_PATH=${simulator.clonePath}`,
      `AI302_GENERATE_PATH=${simulator.generatePath}`,
      `AI302_CLONE_QUERY_PATH=${simulator.cloneQueryPath}`,
      `AI302_GENERATE_QUERY_PATH=${simulator.generateQueryPath}`,
    ],
  });
}
