import { basename } from 'node:path';
import type { BookInput } from '../book/book-input.ts';
import type { Book, InputFormat } from '../book/book.ts';
import { parseInputFormat } from '../book/detect-format.ts';
import { resolveReadingOptions, textToPlan } from '../book/input-chapters.ts';
import { metadataTags } from '../book/metadata-tags.ts';
import { readFileBytes, readTextFile } from '../book/read-input-file.ts';
import { readInput } from '../book/read-input.ts';
import { InputError } from '../errors/input-error.ts';
import { readCover, type CoverImage } from '../master/encode/cover-image.ts';
import { usableBookCover, withBookTags } from '../producer/book-defaults.ts';
import { checkPausesForProfile, resolveDelivery, segmentFormatAsked, type DeliveryOptions } from '../producer/delivery-options.ts';
import { planRender, type RenderPlan } from '../producer/plan.ts';
import { providerPlanOptions } from '../producer/provider-plan-options.ts';
import { readAlongEpub } from '../producer/read-along-input.ts';
import { checkRenderLimits, renderCaps } from '../producer/render-limits.ts';
import { resolveLexicon } from '../producer/render-lexicon.ts';
import { resolveRenderOptions, type RenderOptions } from '../producer/render-options.ts';
import type { ProviderDefinition } from '../providers/provider-definition.ts';
import { providerLimits } from '../providers/provider-limits.ts';
import type { TextLimits } from '../providers/provider.ts';
import { providerDefinition } from '../providers/registry.ts';
import { assertRenderId } from '../render/render-id.ts';
import type { AppConfig } from '../runtime/app-config.ts';
import { describeLocation } from '../storage/open-storage.ts';
import type { LexiconEntry } from '../text/lexicon/lexicon-entry.ts';
import { parsePauseList, resolvePauseRules } from '../text/pause-rules.ts';
import type { RenderCommandOptions } from './render-command-options.ts';
import { cliVoiceSettings } from './setting-flags.ts';

/** A book read and planned from the command line, every input check passed: what render and estimate both start from. */
export interface PreparedRender {
  definition: ProviderDefinition;
  options: RenderOptions;
  input: BookInput;
  /** The flags, with the book's own title, author, narrator, language and year where a flag is unset. */
  tags: RenderCommandOptions;
  delivery: DeliveryOptions;
  cover: Pick<CoverImage, 'bytes' | 'mime'> | undefined;
  /** `--read-along`: the EPUB the overlays are written into. */
  readAlongSource: Buffer | undefined;
  limits: TextLimits;
  lexicon: LexiconEntry[] | undefined;
  plan: RenderPlan;
  /** The canonical output location (`--out`). */
  output: string;
}

/**
 * Everything that can be checked without Redis or the network, in the order renders always
 * checked it: provider and settings, id, the book, tags and delivery, pauses, chapters, cover,
 * read-along, lexicon, the plan and its caps, the voice. Bad input is refused here, so neither a
 * render nor an estimate gets further with it.
 */
export async function prepareRender(file: string, opts: RenderCommandOptions, config: AppConfig): Promise<PreparedRender> {
  const definition = providerDefinition(opts.provider);
  const options = resolveRenderOptions(definition, {
    model: opts.model,
    voice: opts.voice,
    format: segmentFormatAsked(opts),
    sampleRate: opts.sampleRate,
    bitrate: opts.bitrate,
    channels: opts.channels,
    // Each provider's strict schema takes what it knows and refuses the rest by name.
    voiceSettings: cliVoiceSettings(definition.settingAliases ?? [], opts.settingFlags ?? {}, opts.set ?? []),
  });
  if (opts.id !== undefined) assertRenderId(opts.id);
  const bytes = await readFileBytes(file);
  const input = await readInputBytes(bytes, file, opts);
  const book = input.kind === 'book' ? input.book : undefined;
  // The book's own title, authors and cover fill what the flags leave unset.
  const tags = withBookTags(opts, book === undefined ? {} : metadataTags(book.metadata));
  const delivery = resolveDelivery(tags, options.audio, options.voice);
  const pauses = resolvePauseRules('--pauses', opts.pauses === undefined ? undefined : parsePauseList(opts.pauses));
  checkPausesForProfile('--pauses', delivery, pauses);
  const reading = resolveReadingOptions(input, opts);
  const cover = opts.cover === undefined ? bookCover(book) : await readCover(opts.cover, undefined).catch(renameField('cover'));
  const readAlongSource = await readAlongEpub(opts.readAlong, input, bytes);
  const limits = providerLimits(definition, config, options);
  const lexicon = await resolveLexicon({
    defaultFile: config.LEXICON_FILE,
    own: opts.lexicon === undefined ? undefined : { text: await readTextFile(opts.lexicon, 'lexicon'), field: 'lexicon' },
  });
  const plan = planRender(textToPlan(input, reading), limits, providerPlanOptions(definition, options), pauses);
  checkRenderLimits(plan, options.audio, tags.title, renderCaps(config));
  const output = describeLocation(opts.out);
  definition.validateVoice?.(options.voice, config, options);
  return { definition, options, input, tags, delivery, cover, readAlongSource, limits, lexicon, plan, output };
}

/** Reads the file named on the command line as the book it is (see readInput). */
export async function readInputFile(
  file: string,
  opts: Pick<RenderCommandOptions, 'inputFormat' | 'chapterLevel' | 'speakCode'>,
): Promise<BookInput> {
  return readInputBytes(await readFileBytes(file), file, opts);
}

function readInputBytes(
  bytes: Buffer,
  file: string,
  opts: Pick<RenderCommandOptions, 'inputFormat' | 'chapterLevel' | 'speakCode'>,
): Promise<BookInput> {
  const format: InputFormat | undefined = opts.inputFormat === undefined ? undefined : parseInputFormat(opts.inputFormat);
  return readInput(bytes, {
    name: basename(file),
    format,
    chapterLevel: opts.chapterLevel,
    speakCode: opts.speakCode,
  });
}

/** The book's own cover when the encoders can take it; said on stderr when not (--cover gives another). */
function bookCover(book: Book | undefined): Pick<CoverImage, 'bytes' | 'mime'> | undefined {
  const { cover, skipped } = usableBookCover(book?.cover);
  if (skipped !== undefined) process.stderr.write(`tts-batch: ${skipped} (--cover gives one)\n`);
  return cover;
}

/** readCover names its field coverPath (the encoder's); the CLI's user knows --cover. */
function renameField(field: string): (error: unknown) => never {
  return (error: unknown) => {
    if (error instanceof InputError) throw new InputError(field, error.message.slice(error.field.length + 2), error.value);
    throw error;
  };
}
