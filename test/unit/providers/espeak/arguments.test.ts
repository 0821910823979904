import { describe, expect, it } from 'vitest';
import { espeakArguments } from '../../../../src/providers/espeak/arguments.ts';

describe('espeak arguments', () => {
  it('reads the text from stdin and writes wav to stdout, with only the voice by default', () => {
    expect(espeakArguments({ voice: 'en-us', voiceSettings: {} }, false)).toEqual(['--stdin', '--stdout', '-v', 'en-us']);
  });

  it('adds -m only for SSML input', () => {
    expect(espeakArguments({ voice: 'cmn', voiceSettings: {} }, true)).toEqual(['--stdin', '--stdout', '-v', 'cmn', '-m']);
  });

  it('maps speed onto 175 words per minute, pitch −12…12 onto 2…98 around 50, vol onto amplitude 100', () => {
    expect(espeakArguments({ voice: 'en-us', voiceSettings: { speed: 0.5, pitch: -12, vol: 0.5 } }, false)).toEqual([
      '--stdin',
      '--stdout',
      '-v',
      'en-us',
      '-s',
      '88',
      '-p',
      '2',
      '-a',
      '50',
    ]);
    expect(espeakArguments({ voice: 'en-us', voiceSettings: { speed: 2, pitch: 12, vol: 2 } }, false)).toEqual([
      '--stdin',
      '--stdout',
      '-v',
      'en-us',
      '-s',
      '350',
      '-p',
      '98',
      '-a',
      '200',
    ]);
    expect(espeakArguments({ voice: 'en-us', voiceSettings: { speed: 1, pitch: 0, vol: 1 } }, false)).toEqual([
      '--stdin',
      '--stdout',
      '-v',
      'en-us',
      '-s',
      '175',
      '-p',
      '50',
      '-a',
      '100',
    ]);
    expect(espeakArguments({ voice: 'en-us', voiceSettings: { pitch: 2.6 } }, false)).toEqual([
      '--stdin',
      '--stdout',
      '-v',
      'en-us',
      '-p',
      '60',
    ]);
  });

  it('passes the voice as one argument of -v, whatever it looks like', () => {
    const args = espeakArguments({ voice: '--path=/tmp', voiceSettings: {} }, false);
    expect(args.slice(2)).toEqual(['-v', '--path=/tmp']);
  });
});
