import type { Command } from 'commander';
import { integerOption, numberOption } from '../shared/run-until-signal.ts';
import { parsedOption, simulatorCommand, type SimulatorCommandOptions } from '../shared/simulator-command.ts';
import { FINAL_EVENT_VARIANTS, type FinalEventPlan } from './final-event.ts';
import { SIM_TONES, type SimTone } from './audio.ts';
import { startSenseAudioSimulator } from './server.ts';
import type { UnknownFields } from './validate-request.ts';

interface SenseAudioCommandOptions extends SimulatorCommandOptions {
  chunkHexChars: number;
  eventIntervalMs: number;
  mp3Tags: boolean;
  tone: SimTone;
  finalEvent?: FinalEventPlan;
  finalExtraInfo: boolean;
  unknownFields: UnknownFields;
}

const FINAL_EVENT_CHOICES = [...FINAL_EVENT_VARIANTS, 'random'] as const;

function unknownFieldsOption(value: string): UnknownFields {
  if (value === 'refuse' || value === 'accept') return value;
  throw new Error(`--unknown-fields must be refuse|accept, got ${JSON.stringify(value)}`);
}

function toneOption(value: string): SimTone {
  const tone = SIM_TONES.find((candidate) => candidate === value);
  if (tone === undefined) throw new Error(`--tone must be one of ${SIM_TONES.join('|')}, got ${JSON.stringify(value)}`);
  return tone;
}

function finalEventOption(value: string): FinalEventPlan {
  const choice = FINAL_EVENT_CHOICES.find((candidate) => candidate === value);
  if (choice === undefined) throw new Error(`--final-event must be one of ${FINAL_EVENT_CHOICES.join('|')}, got ${JSON.stringify(value)}`);
  return choice;
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
        .option(
          '--chunk-hex-chars <n>',
          'hex characters per SSE audio event',
          parsedOption(integerOption('--chunk-hex-chars', 1, 2 ** 30)),
          8192,
        )
        .option('--event-interval-ms <ms>', 'pause between SSE events', parsedOption(numberOption('--event-interval-ms', 0, 60_000)), 0)
        .option('--no-mp3-tags', 'mp3 without ID3v2 tag and Info frame')
        .option(
          '--tone <kind>',
          'the audio: per-text (a pitch from a hash of the text, faded in and out), continuous (one ~440 Hz tone at full level to both ends, whole periods: answers joined back to back are one unbroken tone) or sentences (one burst per sentence, known gaps between, each request recording where its sentences start)',
          parsedOption(toneOption),
          'per-text',
        )
        .option(
          '--final-event <variant>',
          `what the status-2 event carries: ${FINAL_EVENT_CHOICES.join('|')} (default: the whole audio, or none when a lenient server is asked exclude_aggregated_audio)`,
          parsedOption(finalEventOption),
        )
        .option('--no-final-extra-info', 'status-2 event without extra_info (no usage_characters)')
        .option(
          '--unknown-fields <mode>',
          'a body field no documented table names: refuse (2013, a strict server) or accept (and honour MiniMax stream_options)',
          parsedOption(unknownFieldsOption),
          'refuse',
        ),
    start: (common, options: SenseAudioCommandOptions) =>
      startSenseAudioSimulator({
        ...common,
        chunkHexChars: options.chunkHexChars,
        eventIntervalMs: options.eventIntervalMs,
        mp3Tags: options.mp3Tags,
        tone: options.tone,
        finalExtraInfo: options.finalExtraInfo,
        unknownFields: options.unknownFields,
        ...(options.finalEvent === undefined ? {} : { finalEvent: options.finalEvent }),
      }),
    envLines: (simulator) => [`SENSEAUDIO_BASE_URL=${simulator.url}`],
  });
}
