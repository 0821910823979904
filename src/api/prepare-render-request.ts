import type { FastifyBaseLogger } from 'fastify';
import type { BookInput } from '../book/book-input.ts';
import { resolveReadingOptions, textToPlan } from '../book/input-chapters.ts';
import { metadataTags } from '../book/metadata-tags.ts';
import { readInput, readTextInput } from '../book/read-input.ts';
import { InputError } from '../errors/input-error.ts';
import { parseQaRequest, type QaRequest } from '../verify/qa-record.ts';
import type { CoverImage } from '../master/encode/cover-image.ts';
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
import type { SettingValue } from '../providers/voice-settings.ts';
import { assertRenderId, newRenderId } from '../render/render-id.ts';
import type { LexiconEntry } from '../text/lexicon/lexicon-entry.ts';
import { resolvePauseRules } from '../text/pause-rules.ts';
import { assertWebhookUrl } from '../webhooks/webhook-url.ts';
import type { ApiContext } from './api-context.ts';
import { decodeBase64Field } from './base64-field.ts';
import { coverFromBase64 } from './cover-upload.ts';
import { RENDER_SETTING_ALIASES, type CreateRenderBody } from './render-request-schema.ts';

/** A render request read and planned, every input check passed: what POST /v1/renders and POST /v1/estimates both start from. */
export interface PreparedRenderRequest {
  definition: ProviderDefinition;
  options: RenderOptions;
  input: BookInput & { bytes?: Buffer };
  /** The request's delivery fields, with the book's own title, author, narrator, language and year where one is unset. */
  tags: CreateRenderBody;
  delivery: DeliveryOptions;
  cover: Pick<CoverImage, 'bytes' | 'mime'> | undefined;
  /** The id asked for (checked), else a new one. */
  id: string;
  readAlongSource: Buffer | undefined;
  limits: TextLimits;
  lexicon: LexiconEntry[] | undefined;
  plan: RenderPlan;
  /** The output, resolved under the output policy. */
  output: string;
  webhook: { url: string; secret: string } | undefined;
  /** The take checks asked (`qa`, `maxTakes`; default on); undefined: off. */
  qa: QaRequest | undefined;
}

/**
 * Everything about a render request that can be checked without Redis, in the order the API has
 * always checked it (provider, settings, book, tags, cover, voice, id, pauses, read-along,
 * chapters, lexicon, the plan and its caps, output, webhook): bad input is refused here, before
 * anything is enqueued or estimated.
 */
export async function prepareRenderRequest(
  body: CreateRenderBody,
  ctx: ApiContext,
  log: FastifyBaseLogger,
): Promise<PreparedRenderRequest> {
  const definition = providerOf(ctx.providers, body.provider);
  const qa = parseQaRequest(body.qa, body.maxTakes);
  const options = resolveRenderOptions(definition, rawOptions(body));
  const input = await readBodyInput(body);
  const book = input.kind === 'book' ? input.book : undefined;
  // The book's own title, authors and cover fill what the request leaves unset.
  const tags = withBookTags(body, book === undefined ? {} : metadataTags(book.metadata));
  const delivery = resolveDelivery(tags, options.audio, options.voice);
  const bookCover = usableBookCover(book?.cover);
  if (bookCover.skipped !== undefined && body.cover === undefined) log.warn({ cover: bookCover.skipped }, 'book cover not used');
  const cover = body.cover === undefined ? bookCover.cover : await coverFromBase64(body.cover);
  definition.validateVoice?.(options.voice, ctx.config, options);
  const id = body.id === undefined ? newRenderId() : assertRenderId(body.id);
  const pauses = resolvePauseRules('pauses', body.pauses);
  checkPausesForProfile('pauses', delivery, pauses);
  const readAlongSource = await readAlongEpub(body.readAlong, input, input.bytes ?? Buffer.alloc(0));
  const reading = resolveReadingOptions(input, body);
  const limits = providerLimits(definition, ctx.config, options);
  const lexicon = await resolveLexicon({
    defaultFile: ctx.config.LEXICON_FILE,
    own: body.lexicon === undefined ? undefined : { text: body.lexicon, field: 'lexicon' },
  });
  const plan = planRender(textToPlan(input, reading), limits, providerPlanOptions(definition, options), pauses);
  if (plan.characters > ctx.config.API_MAX_TEXT_CHARS)
    throw new InputError(
      body.book === undefined ? 'text' : 'book',
      `reads ${plan.characters} characters, more than ${ctx.config.API_MAX_TEXT_CHARS} (API_MAX_TEXT_CHARS)`,
      plan.characters,
    );
  checkRenderLimits(plan, options.audio, tags.title, renderCaps(ctx.config));
  const output = ctx.outputs.resolve(body.output);
  const webhook =
    body.webhook === undefined ? undefined : { url: assertWebhookUrl(body.webhook.url, ctx.webhookAddresses), secret: body.webhook.secret };
  return { definition, options, input, tags, delivery, cover, id, readAlongSource, limits, lexicon, plan, output, webhook, qa };
}

/** The book in the request: `text` (read as plain text unless inputFormat or its content says otherwise) or `book` (a file, base64). */
async function readBodyInput(body: CreateRenderBody): Promise<BookInput & { bytes?: Buffer }> {
  if ((body.text === undefined) === (body.book === undefined))
    throw new InputError('text', 'give the book either as text (JSON string) or as book (a file, base64), not both or neither', undefined);
  const options = {
    name: body.fileName ?? (body.book === undefined ? 'text' : 'book'),
    format: body.inputFormat,
    chapterLevel: body.chapterLevel,
    speakCode: body.speakCode,
  };
  if (body.book === undefined) return readTextInput(body.text ?? '', options);
  const bytes = decodeBase64Field('book', body.book, 'the book file');
  return { ...(await readInput(bytes, options)), bytes };
}

function providerOf(providers: ReadonlyMap<string, ProviderDefinition>, name: string): ProviderDefinition {
  const definition = providers.get(name);
  if (!definition) throw new InputError('provider', `unknown provider "${name}"; known: ${[...providers.keys()].join(', ')}`, name);
  return definition;
}

function rawOptions(body: CreateRenderBody) {
  return {
    model: body.model,
    voice: body.voice,
    format: segmentFormatAsked(body),
    sampleRate: body.sampleRate,
    bitrate: body.bitrate,
    channels: body.channels,
    // The same keys the CLI passes; each provider's strict schema refuses the ones it lacks.
    voiceSettings: bodyVoiceSettings(body),
  };
}

/** `settings` and the flat alias fields together; a setting given both ways is refused (which should win?). */
function bodyVoiceSettings(body: CreateRenderBody): Record<string, SettingValue | undefined> {
  // The alias fields are built from the providers' declarations, so their names are not in the type.
  const fields = body as Readonly<Record<string, unknown>>;
  // A JSON body holds only JSON values, which is what a SettingValue is.
  const settings = { ...body.settings } as Record<string, SettingValue | undefined>;
  for (const { key } of RENDER_SETTING_ALIASES) {
    const value = fields[key] as SettingValue | undefined;
    if (value === undefined) continue;
    if (settings[key] !== undefined) throw new InputError(key, `given both as a field and in settings; give it once`, value);
    settings[key] = value;
  }
  return settings;
}
