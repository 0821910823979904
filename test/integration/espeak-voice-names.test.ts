import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/app-config.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { espeakDefinition } from '../../src/providers/espeak/definition.ts';

/**
 * Why `--voice klingon` passed (issue #8 item 3): espeak-ng 1.51 has a Klingon voice (code piqd,
 * file art/piqd), and the catalog matched display names as espeak does. Spoken English in it
 * sounds like espeak's default voice spelling letters. Against the installed espeak-ng.
 */
describe('espeak voice check: codes and files, not display names', () => {
  const config = loadConfig({});
  const check = (voice: string): void => espeakDefinition.validateVoice?.(voice, config, { model: 'espeak-ng', voiceSettings: {} });

  it('refuses `klingon`, naming the voice it is the display name of and its code', () => {
    let error: unknown;
    try {
      check('klingon');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      `voice: "klingon" is the display name of espeak-ng's voice piqd (Klingon, art/piqd); give its code: --voice piqd`,
    );
    expect(() => check('English (America)')).toThrow(/display name of espeak-ng's voice en-us .*--voice en-us/);
  });

  it('still takes codes, other codes, files and variants', () => {
    for (const voice of ['piqd', 'en-us', 'EN-US', 'gmw/en-US', 'cmn', 'zh', 'en-us+f3']) expect(() => check(voice), voice).not.toThrow();
    expect(() => check('tlhIngan')).toThrow(/espeak-ng has no voice "tlhIngan"/);
  });
});
