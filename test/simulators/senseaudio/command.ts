import type { Command } from 'commander';
import { integerOption, numberOption } from '../shared/run-until-signal.ts';
import { parsedOption, simulatorCommand, type SimulatorCommandOptions } from '../shared/simulator-command.ts';
import { startSenseAudioSimulator } from './server.ts';

interface SenseAudioCommandOptions extends SimulatorCommandOptions {
  chunkHexChars: number;
  eventIntervalMs: number;
  mp3Tags: boolean;
}

/** `simulator senseaudio …`: runs the SenseAudio simulator in the foreground. */
export function senseAudioCommand(): Command {
  return simulatorCommand({
    name: 'senseaudio',
    description: 'SenseAudio /v1/t2a_v2 simulator (one-shot JSON and SSE, faults on demand)',
    keyHelp: 'the API key accepted as Bearer',
    faultedUnits: 'requests',
    loggedUnit: 'request',
    providerOptions: (command) =>
      command
        .option('--chunk-hex-chars <n>', 'hex characters per SSE audio event', parsedOption(integerOption('--chunk-hex-chars', 1, 2 ** 30)), 8192)
        .option('--event-interval-ms <ms>', 'pause between SSE events', parsedOption(numberOption('--event-interval-ms', 0, 60_000)), 0)
        .option('--no-mp3-tags', 'mp3 without ID3v2 tag and Info frame'),
    start: (common, options: SenseAudioCommandOptions) =>
      startSenseAudioSimulator({
        ...common,
        chunkHexChars: options.chunkHexChars,
        eventIntervalMs: options.eventIntervalMs,
        mp3Tags: options.mp3Tags,
      }),
    envLines: (simulator) => [`SENSEAUDIO_BASE_URL=${simulator.url}`],
  });
}
