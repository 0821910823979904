import { z } from 'zod';
import type { SettingAlias } from '../setting-aliases.ts';

/** The flat CLI flags and API fields of the Higgs settings (settings.ts), in the order the help lists them. */
export const AI302_SETTING_ALIASES: readonly SettingAlias[] = [
  {
    key: 'refAudio',
    flags: '--ref-audio <url>',
    description: 'reference audio for voice cloning (ai302; repeatable, paired with --ref-text)',
    kind: 'list',
    apiField: z.array(z.string().min(1)).describe('ai302 reference audio URLs'),
  },
  {
    key: 'refText',
    flags: '--ref-text <text>',
    description: 'transcript of the matching --ref-audio (ai302; repeatable)',
    kind: 'list',
    apiField: z.array(z.string()).describe('ai302 transcripts of refAudio'),
  },
  {
    key: 'systemPrompt',
    flags: '--system-prompt <text>',
    description: 'scene description for voice generation (ai302)',
    kind: 'text',
    apiField: z.string(),
  },
  {
    key: 'multiSpeaker',
    flags: '--multi-speaker',
    description: 'text is [SPEAKER0]/[SPEAKER1] dialogue; segments end only at turns (ai302)',
    kind: 'switch',
    apiField: z.boolean(),
  },
  { key: 'temperature', flags: '--temperature <x>', description: 'sampling temperature (ai302)', kind: 'number', apiField: z.number() },
  { key: 'topK', flags: '--top-k <n>', description: 'sampling top-k (ai302)', kind: 'number', apiField: z.number().int() },
  { key: 'topP', flags: '--top-p <x>', description: 'sampling top-p (ai302)', kind: 'number', apiField: z.number() },
];
