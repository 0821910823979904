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
import { estimateCommand } from './estimate-command.ts';
import { maxUnitsOption } from './max-units-option.ts';
import { oneLine } from './one-line.ts';
import { numberOption } from './parse-number.ts';
import { providersCommand } from './providers-command.ts';
import { renderCommand, type RenderCommandOptions } from './render-command.ts';
import { addRenderFlags } from './render-flags.ts';
import { statusCommand } from './status-command.ts';
import { qaCommand } from './qa-command.ts';
import { voicesCommand, type VoicesCommandOptions } from './voices-command.ts';
import { workerCommand } from './worker-command.ts';
import { addScheduleCommands } from './schedule-program.ts';

const program = new Command('tts-batch')
  .description('Turns long texts into finished audio files through a durable Redis/BullMQ job queue.')
  .showHelpAfterError()
  .exitOverride();

// Each provider declares its settings' flags (--speed, --blend, --ref-audio, …); each is listed once.
const settingAliases = collectSettingAliases(PROVIDERS.values());
/** The providers' setting flags as commander parsed them, by setting key. */
const settingFlagsOf = (opts: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(settingAliases.map((alias) => [alias.key, opts[alias.key]]));
const BOOK_ARGUMENT = 'the book: EPUB, Markdown, HTML or UTF-8 text (text chapters: "# Title", "第一章 …", "Chapter 1 …" lines)';

addRenderFlags(
  program
    .command('render')
    .description('enqueue a text file as one render; prints the render id as the first line on stdout')
    .argument('<file>', BOOK_ARGUMENT),
  settingAliases,
)
  .option('-w, --wait', 'show progress on stderr and exit when the render ends (0 = completed)')
  .option('--local', 'run the workers inside this process (implies --wait)')
  .option('--dry-run', 'print the estimate (as `tts-batch estimate` does) and stop: nothing is enqueued, written or billed')
  .option('--max-units <n>', 'refuse before enqueueing when the units still to bill (segments not cached) are over N', maxUnitsOption)
  .option('--json', 'with --dry-run: the estimate as JSON')
  .action(async (file: string, opts: RenderCommandOptions & Record<string, unknown>) => {
    process.exitCode = await renderCommand(file, { ...opts, settingFlags: settingFlagsOf(opts) }, loadConfig());
  });

addRenderFlags(
  program
    .command('estimate')
    .description(
      'what a render with these options would bill: segments, chapters, units counted as the provider bills, the cached part (cost 0), audio length, cost; enqueues nothing',
    )
    .argument('<file>', BOOK_ARGUMENT),
  settingAliases,
)
  .option('--json', 'one JSON document (as POST /v1/estimates answers) instead of the block')
  .action(async (file: string, opts: RenderCommandOptions & Record<string, unknown>) => {
    process.exitCode = await estimateCommand(file, { ...opts, settingFlags: settingFlagsOf(opts) }, loadConfig());
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
  .command('qa')
  .description(
    "print a finished render's flagged segments (no take passed its checks) with their times, failed checks and text; exit 1 when any",
  )
  .argument('<id>', 'render id')
  .option('--json', 'as a JSON array')
  .action(async (id: string, opts: { json?: boolean }) => {
    process.exitCode = await qaCommand(id, opts, loadConfig());
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
  .action(async () => {
    process.exitCode = await providersCommand(loadConfig());
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

addScheduleCommands(program, settingAliases);

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
