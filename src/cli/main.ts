import { OUTPUT_FORMATS } from '../master/encode/output-formats.ts';
import { PROFILE_NAMES } from '../master/profiles.ts';
import { Command, CommanderError, Option } from 'commander';
import { loadConfig } from '../runtime/app-config.ts';
import { InputError } from '../errors/input-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { collectSettingAliases } from '../providers/setting-aliases.ts';
import { StoragePreflightError } from '../storage/storage-preflight-error.ts';
import { apiCommand } from './api-command.ts';
import { cacheEvictCommand, cachePruneCommand, type CacheEvictOptions, type CachePruneOptions } from './cache-command.ts';
import { cancelCommand } from './cancel-command.ts';
import { chaptersCommand, type ChaptersCommandOptions } from './chapters-command.ts';
import { oneLine } from './one-line.ts';
import { numberOption } from './parse-number.ts';
import { providersCommand } from './providers-command.ts';
import { DEFAULT_PAUSE_RULES, MAX_RULE_MS, PAUSE_RULE_NAMES } from '../text/pause-rules.ts';
import { renderCommand, type RenderCommandOptions } from './render-command.ts';
import { settingAliasOption, settingAssignment } from './setting-flags.ts';
import { statusCommand } from './status-command.ts';
import { voicesCommand, type VoicesCommandOptions } from './voices-command.ts';
import { workerCommand } from './worker-command.ts';

const program = new Command('tts-batch')
  .description('Turns long texts into finished audio files through a durable Redis/BullMQ job queue.')
  .showHelpAfterError()
  .exitOverride();

// Each provider declares its settings' flags (--speed, --blend, --ref-audio, …); each is listed once.
const settingAliases = collectSettingAliases(PROVIDERS.values());

const render = program
  .command('render')
  .description('enqueue a text file as one render; prints the render id as the first line on stdout')
  .argument('<file>', 'the book: EPUB, Markdown, HTML or UTF-8 text (text chapters: "# Title", "第一章 …", "Chapter 1 …" lines)')
  .requiredOption('-p, --provider <name>', 'speech provider (see `tts-batch providers`)')
  .option('-v, --voice <id>', 'voice id (default: the provider default)')
  .option('--model <name>', 'provider model (default: the provider default)')
  .option('--profile <name>', `mastering: ${PROFILE_NAMES.join(' | ')} (default audiobook; docs/mastering.md)`)
  .option('-f, --format <format>', `output: ${OUTPUT_FORMATS.join(' | ')} (default: the profile's, mp3; raw: the segments')`)
  .option('--split <mode>', 'chapter: also one file per chapter, "NN - Title.ext" (acx: always)')
  .option('--subtitles <formats>', 'srt, vtt or srt,vtt: subtitle files beside the book (and each chapter file), a cue per sentence')
  .option(
    '--read-along',
    'EPUB 3 input: also write <book>.epub with Media Overlays, each sentence highlighted as it is spoken (mp3 or m4b)',
  )
  .option('--output-bitrate <kbps>', "mp3, m4b or opus output bitrate in kbps (default: the profile's)", numberOption('outputBitrate'))
  .option('--segment-format <format>', "what the provider is asked for: mp3 | wav | pcm … (default: the provider's, docs/outputs.md)")
  .option('--sample-rate <hz>', "the segments' sample rate in Hz (asked of the provider)", numberOption('sampleRate'))
  .option('--bitrate <bps>', "the segments' mp3 bitrate in bits/s (asked of the provider)", numberOption('bitrate'))
  .option('--channels <n>', '1 or 2', numberOption('channels'));
for (const alias of settingAliases) render.addOption(settingAliasOption(alias));
render
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
  .option('--lexicon <file>', 'pronunciations: W3C PLS or `word = respelling` lines (docs/lexicon.md), over LEXICON_FILE')
  .option('-w, --wait', 'show progress on stderr and exit when the render ends (0 = completed)')
  .option('--local', 'run the workers inside this process (implies --wait)')
  .action(async (file: string, opts: RenderCommandOptions & Record<string, unknown>) => {
    const settingFlags = Object.fromEntries(settingAliases.map((alias) => [alias.key, opts[alias.key]]));
    process.exitCode = await renderCommand(file, { ...opts, settingFlags }, loadConfig());
  });

program
  .command('chapters')
  .description('list the chapters of a book by number (what --chapters selects), with titles and characters')
  .argument('<file>', 'the book: EPUB, Markdown, HTML or UTF-8 text')
  .option('--input-format <format>', 'read the file as text | markdown | html | epub (default: from its content and extension)')
  .option('--skip-front-matter', 'mark front matter as not read (default for EPUB)')
  .option('--no-skip-front-matter', 'mark front matter as read')
  .option(
    '--chapter-level <n>',
    'Markdown and HTML: the heading level that starts a chapter (default: found)',
    numberOption('chapterLevel'),
  )
  .option('--json', 'one JSON document instead of a table')
  .action(async (file: string, opts: ChaptersCommandOptions) => {
    process.exitCode = await chaptersCommand(file, opts);
  });

program
  .command('worker')
  .description('run synthesize and stitch workers until SIGTERM or SIGINT')
  .option('--providers <names>', 'comma-separated providers to serve (default: all with credentials)', (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .addOption(
    new Option('--shutdown-timeout <ms>', 'how long active jobs may finish on shutdown')
      .argParser(numberOption('shutdownTimeout'))
      .default(30_000),
  )
  .action(async (opts: { providers?: string[]; shutdownTimeout: number }) => {
    process.exitCode = await workerCommand(opts, loadConfig());
  });

program
  .command('status')
  .description("print a render's state as JSON")
  .argument('<id>', 'render id')
  .action(async (id: string) => {
    process.exitCode = await statusCommand(id, loadConfig());
  });

program
  .command('cancel')
  .description('cancel a render: pending segments are dropped, in-flight ones aborted; prints {id, status}')
  .argument('<id>', 'render id')
  .action(async (id: string) => {
    process.exitCode = await cancelCommand(id, loadConfig());
  });

program
  .command('api')
  .description(
    'serve the HTTP API on PORT (renders, events, audio, /docs, /metrics, /healthz, /readyz, Bull Board) until SIGTERM or SIGINT',
  )
  .addOption(
    new Option('--shutdown-timeout <ms>', 'how long requests in flight may finish on shutdown')
      .argParser(numberOption('shutdownTimeout'))
      .default(10_000),
  )
  .action(async (opts: { shutdownTimeout: number }) => {
    process.exitCode = await apiCommand(opts, loadConfig());
  });

program
  .command('providers')
  .description('list providers, their limits and whether their credentials are set')
  .action(() => {
    process.exitCode = providersCommand(loadConfig());
  });

program
  .command('voices')
  .description("list each provider's documented voices (id, name, languages, blend/ssml marks) and how other voice ids are accepted")
  .argument('[provider]', 'only this provider')
  .option('--json', 'print JSON, as GET /v1/voices returns it')
  .action(async (provider: string | undefined, opts: VoicesCommandOptions) => {
    process.exitCode = await voicesCommand(provider, opts, loadConfig());
  });

const cache = program.command('cache').description('remove cached segment audio from an output (renders keep their audio files)');
cache
  .command('evict')
  .description('delete the cached segments of one render (from its manifest) or one segment KEY; prints what it freed as JSON')
  .argument('[key]', 'a segment key: .segments/<provider>/<xx>/<sha256>.<format>')
  .option('--render <id>', 'evict every segment of this render')
  .option('-o, --out <dir|s3://bucket/prefix>', 'the output holding the cache', './renders')
  .option('--dry-run', 'only report what would be deleted')
  .action(async (key: string | undefined, opts: CacheEvictOptions) => {
    process.exitCode = await cacheEvictCommand(key, opts, loadConfig());
  });
cache
  .command('prune')
  .description(
    'delete segments older than N days that no manifest younger than N days and no running render uses; prints what it freed as JSON',
  )
  .requiredOption('--unused-days <n>', 'keep what was written or used within this many days', numberOption('unusedDays'))
  .option('-o, --out <dir|s3://bucket/prefix>', 'the output holding the cache', './renders')
  .option('--dry-run', 'only report what would be deleted')
  .action(async (opts: CachePruneOptions) => {
    process.exitCode = await cachePruneCommand(opts, loadConfig());
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof TtsBatchError) {
    process.stderr.write(`tts-batch: ${oneLine(error.message)}\n`);
    // An output that cannot be written is the caller's to fix, like bad input.
    process.exitCode = error instanceof InputError || error instanceof StoragePreflightError ? 2 : 1;
  } else {
    process.stderr.write(`tts-batch: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  }
}
