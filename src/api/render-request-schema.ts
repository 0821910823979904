import { RENDER_PRIORITIES } from '../render/render-priority.ts';
import { DEFAULT_MAX_TAKES, MAX_TAKES_LIMIT, QA_MODES } from '../verify/qa-record.ts';
import { z } from 'zod';
import { MAX_COVER_BYTES } from '../master/encode/cover-image.ts';
import { OUTPUT_FORMATS } from '../master/encode/output-formats.ts';
import { PROFILE_NAMES } from '../master/profiles.ts';
import { countCodePoints } from '../text/count-units.ts';
import { INPUT_FORMATS } from '../book/book.ts';
import { DEFAULT_PAUSE_RULES, MAX_RULE_MS, PAUSE_RULE_NAMES } from '../text/pause-rules.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { collectSettingAliases, type SettingAlias } from '../providers/setting-aliases.ts';

/**
 * The flat setting fields (`speed`, `blend`, `refAudio`, …): the aliases every known provider
 * declares, whichever providers this server runs, so a setting is refused by the provider's
 * schema ("… has no such setting") rather than as an unknown field.
 */
export const RENDER_SETTING_ALIASES: readonly SettingAlias[] = collectSettingAliases(PROVIDERS.values());

/**
 * The body of POST /v1/renders. Strict: a misspelt or unknown field is refused by name, never
 * ignored. Provider settings come in `settings`, or as flat fields named like the CLI's flags;
 * each provider's own schema then takes the ones it knows and refuses the rest (a setting the
 * provider lacks is an error, not a no-op).
 */
export function createRenderBodySchema(maxTextChars: number) {
  const settingFields = Object.fromEntries(RENDER_SETTING_ALIASES.map((alias) => [alias.key, alias.apiField.optional()]));
  return z.strictObject({
    text: z
      .string()
      .min(1, 'must not be empty')
      .refine((text) => text.length <= maxTextChars || countCodePoints(text) <= maxTextChars, {
        message: `must be at most ${maxTextChars} characters (API_MAX_TEXT_CHARS)`,
        abort: true,
      })
      .optional()
      .describe(
        'the book as UTF-8 text (plain, Markdown or HTML: see inputFormat); plain-text chapter headings are lines like "# Title", "第三章 …", "Chapter 3 …". Give text or book.',
      ),
    book: z
      .string()
      .min(1)
      .optional()
      .describe(
        'the book file, base64 (EPUB, or Markdown, HTML, text); or POST multipart/form-data with a `book` file part and the other fields as JSON in a `request` part',
      ),
    fileName: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe("the book's file name: helps detect its format, names the output when the book has no title"),
    inputFormat: z.enum(INPUT_FORMATS).optional().describe('read the book as this (default: detected from its content and fileName)'),
    chapters: z.string().min(1).max(1000).optional().describe('read only these chapters, by number from 1: "1-3,7"'),
    skipFrontMatter: z.boolean().optional().describe('leave out cover, title page, copyright, contents … (default: true for EPUB)'),
    speakHeadings: z.boolean().optional().describe('speak chapter titles (default true; they name the chapters either way)'),
    chapterLevel: z.number().int().min(1).max(6).optional().describe('Markdown and HTML: the heading level that starts a chapter'),
    speakCode: z.boolean().optional().describe('Markdown: speak code blocks and HTML blocks (default false)'),
    provider: z.string().min(1).describe('speech provider, e.g. senseaudio'),
    voice: z.string().min(1).optional().describe('voice id (default: the provider default)'),
    model: z.string().min(1).optional(),
    profile: z
      .string()
      .min(1)
      .optional()
      .describe(`mastering: ${PROFILE_NAMES.join(' | ')} (default audiobook; docs/mastering.md)`),
    format: z
      .string()
      .min(1)
      .optional()
      .describe(`output: ${OUTPUT_FORMATS.join(' | ')} (default: the profile's, mp3; raw: the segments')`),
    split: z.string().min(1).optional().describe('chapter: also one file per chapter (acx: always)'),
    subtitles: z.string().min(1).optional().describe('srt, vtt or srt,vtt: subtitle files beside the book, a cue per sentence'),
    priority: z
      .enum(RENDER_PRIORITIES)
      .optional()
      .describe("high | normal | low: this render's share of its provider's slots beside other renders (default normal)"),
    qa: z
      .enum(QA_MODES)
      .optional()
      .describe('on | strict | off: check every new take and retake bad ones (strict: fail when none passes; default on; docs/verify.md)'),
    maxTakes: z
      .number()
      .int()
      .min(1)
      .max(MAX_TAKES_LIMIT)
      .optional()
      .describe(`the most takes (each billed) one segment may be given under qa (default ${DEFAULT_MAX_TAKES})`),
    readAlong: z
      .boolean()
      .optional()
      .describe('EPUB 3 book input: also write <book>.epub with Media Overlays (each sentence highlighted as it is spoken); mp3 or m4b'),
    outputBitrate: z.number().int().positive().optional().describe('mp3, m4b or opus output bitrate, kbps'),
    segmentFormat: z.string().min(1).optional().describe("what the provider is asked for (default: the provider's; docs/outputs.md)"),
    sampleRate: z.number().int().positive().optional().describe("the segments' sample rate, asked of the provider"),
    bitrate: z.number().int().positive().optional().describe("the segments' mp3 bitrate, bits/s, asked of the provider"),
    channels: z.number().int().positive().optional(),
    ...settingFields,
    title: z.string().min(1).max(500).optional().describe("the book's title: tags, manifest, folder and file names (default: the id)"),
    author: z.string().min(1).max(500).optional(),
    narrator: z.string().min(1).max(500).optional().describe('default: the voice'),
    year: z.number().int().optional(),
    genre: z.string().min(1).max(200).optional(),
    language: z.string().min(1).max(35).optional().describe('ISO 639-2, e.g. eng'),
    cover: z
      .string()
      .min(1)
      .max(Math.ceil((MAX_COVER_BYTES * 4) / 3) + 4)
      .optional()
      .describe('cover art, a JPEG or PNG of at most 8 MiB, base64'),
    // Checked by resolvePauseRules, which names every bad rule and value in one line.
    pauses: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        `silence the join puts by the book's structure, in ms (whole numbers, 0–${MAX_RULE_MS}); any of ` +
          `${PAUSE_RULE_NAMES.map((name) => `${name} (default ${DEFAULT_PAUSE_RULES[name]})`).join(', ')}`,
      ),
    // Size, entry count and syntax are checked by parseLexicon, which names the line at fault.
    lexicon: z
      .string()
      .min(1, 'must not be empty')
      .optional()
      .describe(
        'pronunciations, as text: W3C PLS 1.0 (when it holds <lexicon>) or `word = respelling` lines (docs/lexicon.md); merged over LEXICON_FILE, its entries win',
      ),
    maxUnits: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe(
        'refuse (400, nothing enqueued) when the units still to bill (segments not already cached), counted as the provider bills, are over this; see POST /v1/estimates',
      ),
    id: z.string().optional().describe('name the render (1–64 letters, digits, _ or -); an id is never reused'),
    output: z.string().min(1).optional().describe('folder or s3://bucket/prefix (default API_DEFAULT_OUTPUT; limited by API_OUTPUT_ROOT)'),
    webhook: z
      .strictObject({
        url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }),
        secret: z.string().min(16, 'must be at least 16 characters').max(256),
      })
      .optional()
      .describe('where the final event is POSTed, signed with secret (the secret is never shown again)'),
    // Any JSON value: the provider's schema checks each (a recursive schema here would not survive the OpenAPI export).
    settings: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'the provider\'s settings by name, e.g. {"speed": 1.1, "latex_read": true}; the flat fields speed, blend, refAudio, … are aliases of these',
      ),
  });
}

export type CreateRenderBody = z.infer<ReturnType<typeof createRenderBodySchema>>;
