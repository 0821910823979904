import type { Command } from 'commander';
import { OUTPUT_FORMATS } from '../master/encode/output-formats.ts';
import { PROFILE_NAMES } from '../master/profiles.ts';
import type { SettingAlias } from '../providers/setting-aliases.ts';
import { DEFAULT_PAUSE_RULES, MAX_RULE_MS, PAUSE_RULE_NAMES } from '../text/pause-rules.ts';
import { numberOption } from './parse-number.ts';
import { settingAliasOption, settingAssignment } from './setting-flags.ts';

/**
 * The flags that say what a render is (provider, voice, formats, settings, tags, how the book is
 * read, pauses, lexicon, output), declared once: `render` and `estimate` take the same, so an
 * estimate is of exactly the render the same command line would start.
 */
export function addRenderFlags(command: Command, settingAliases: readonly SettingAlias[]): Command {
  command
    .requiredOption('-p, --provider <name>', 'speech provider (see `tts-batch providers`)')
    .option('-v, --voice <id>', 'voice id (default: the provider default)')
    .option('--model <name>', 'provider model (default: the provider default)')
    .option('--profile <name>', `mastering: ${PROFILE_NAMES.join(' | ')} (default audiobook; docs/mastering.md)`)
    .option('-f, --format <format>', `output: ${OUTPUT_FORMATS.join(' | ')} (default: the profile's, mp3; raw: the segments')`)
    .option('--split <mode>', 'chapter: also one file per chapter, "NN - Title.ext" (acx: always)')
    .option('--subtitles <formats>', 'srt, vtt or srt,vtt: subtitle files beside the book (and each chapter file), a cue per sentence')
    .option(
      '--qa <mode>',
      'on | strict | off: check every new take, retake bad ones (strict: fail when none passes; default on; docs/verify.md)',
    )
    .option('--max-takes <n>', 'the most takes (each billed) one segment may be given under --qa (default 2)', numberOption('maxTakes'))
    .option('--priority <level>', "high | normal | low: this render's share of the provider beside other renders (default normal)")
    .option(
      '--read-along',
      'EPUB 3 input: also write <book>.epub with Media Overlays, each sentence highlighted as it is spoken (mp3 or m4b)',
    )
    .option('--output-bitrate <kbps>', "mp3, m4b or opus output bitrate in kbps (default: the profile's)", numberOption('outputBitrate'))
    .option('--segment-format <format>', "what the provider is asked for: mp3 | wav | pcm … (default: the provider's, docs/outputs.md)")
    .option('--sample-rate <hz>', "the segments' sample rate in Hz (asked of the provider)", numberOption('sampleRate'))
    .option('--bitrate <bps>', "the segments' mp3 bitrate in bits/s (asked of the provider)", numberOption('bitrate'))
    .option('--channels <n>', '1 or 2', numberOption('channels'));
  for (const alias of settingAliases) command.addOption(settingAliasOption(alias));
  return command
    .option(
      '--set <key=value>',
      "a provider setting by its name (repeatable), e.g. --set latex_read=true: read as its flag's value where it has one, else as JSON when it parses (numbers, true/false, lists), else as text",
      settingAssignment,
    )
    .option('-o, --out <dir|s3://bucket/prefix>', 'where results go', './renders')
    .option('--id <id>', 'name the render (an id is never reused)')
    .option('--title <title>', "the book's title: its tags, manifest, folder and file names (default: the file name)")
    .option('--author <name>', 'tags: artist / author')
    .option('--narrator <name>', 'tags: narrator / composer (default: the voice)')
    .option('--cover <file>', 'cover art, JPEG or PNG, at most 8 MiB')
    .option('--year <yyyy>', 'tags: year', numberOption('year'))
    .option('--genre <genre>', 'tags: genre')
    .option('--language <code>', 'tags: language (ISO 639-2, e.g. eng)')
    .option('--input-format <format>', 'read the file as text | markdown | html | epub (default: from its content and extension)')
    .option('--chapters <list>', 'read only these chapters, by number: 1-3,7 (see `tts-batch chapters FILE`)')
    .option('--skip-front-matter', 'leave out cover, title page, copyright, contents … (default for EPUB)')
    .option('--no-skip-front-matter', 'read front matter too')
    .option('--no-speak-headings', "don't speak chapter titles (they still name the chapters)")
    .option(
      '--chapter-level <n>',
      'Markdown and HTML: the heading level that starts a chapter (default: found)',
      numberOption('chapterLevel'),
    )
    .option('--speak-code', 'Markdown: speak code blocks and HTML blocks (default: skipped)')
    .option(
      '--pauses <rule=ms,…>',
      `silence by structure, in ms (0–${MAX_RULE_MS}); rules and defaults: ${PAUSE_RULE_NAMES.map((name) => `${name}=${DEFAULT_PAUSE_RULES[name]}`).join(',')}`,
    )
    .option('--lexicon <file>', 'pronunciations: W3C PLS or `word = respelling` lines (docs/lexicon.md), over LEXICON_FILE');
}
