import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { EnqueueUnconfirmedError } from '../../errors/enqueue-error.ts';
import { InputError } from '../../errors/input-error.ts';
import { enqueueRender } from '../../producer/enqueue-render.ts';
import { resolveLexicon } from '../../producer/render-lexicon.ts';
import { describeLexicon } from '../../producer/segment-lexicon.ts';
import { planRender } from '../../producer/plan.ts';
import { providerPlanOptions } from '../../producer/provider-plan-options.ts';
import { checkRenderLimits, renderCaps } from '../../producer/render-limits.ts';
import { resolveRenderOptions } from '../../producer/render-options.ts';
import { checkPausesForProfile, resolveDelivery, segmentFormatAsked } from '../../producer/delivery-options.ts';
import { storeCover } from '../../producer/store-cover.ts';
import { readAlongEpub } from '../../producer/read-along-input.ts';
import { storeReadAlongSource } from '../../producer/store-read-along-source.ts';
import { coverFromBase64 } from '../cover-upload.ts';
import { decodeBase64Field } from '../base64-field.ts';
import { multipartToBody } from '../multipart-book.ts';
import type { ProviderDefinition } from '../../providers/provider-definition.ts';
import type { SettingValue } from '../../providers/voice-settings.ts';
import { RENDER_STATUSES } from '../../render/render-record.ts';
import { assertRenderId, newRenderId } from '../../render/render-id.ts';
import { assertWebhookUrl } from '../../webhooks/webhook-url.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { HttpError } from '../http-error.ts';
import { createRenderBodySchema, RENDER_SETTING_ALIASES, type CreateRenderBody } from '../render-request-schema.ts';
import { renderPath } from '../render-view.ts';
import { providerLimits } from '../../providers/provider-limits.ts';
import { resolvePauseRules } from '../../text/pause-rules.ts';
import { checkOutputWritable } from '../../storage/check-output.ts';
import type { BookInput } from '../../book/book-input.ts';
import { resolveReadingOptions, textToPlan } from '../../book/input-chapters.ts';
import { metadataTags } from '../../book/metadata-tags.ts';
import { readInput, readTextInput } from '../../book/read-input.ts';
import { usableBookCover, withBookTags } from '../../producer/book-defaults.ts';
import { nameOfInputFile } from '../../render/book-name.ts';

const acceptedSchema = z.object({
  id: z.string(),
  status: z.enum(RENDER_STATUSES),
  segments: z.number().int(),
  characters: z.number().int(),
  chapters: z.number().int(),
  location: z.string().describe('where to follow it: GET this path'),
});

const headersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('a repeated POST with the same key returns the first render (200) instead of starting another'),
});

/**
 * POST /v1/renders. Everything that can be checked without Redis is checked first (provider,
 * settings, id, text, output), so bad input enqueues nothing. With an Idempotency-Key, the key is
 * claimed for the new id before enqueueing (for 2 × ENQUEUE_RECONCILE_MS), kept a day once the
 * flow exists, and released if the enqueue fails or never finishes (see enqueue-ledger.ts).
 */
export function rendersCreateRoute(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/renders',
    {
      preValidation: multipartToBody,
      schema: {
        summary: 'Start a render',
        tags: ['renders'],
        security: BEARER_SECURITY,
        headers: headersSchema,
        body: createRenderBodySchema(ctx.config.API_MAX_TEXT_CHARS),
        response: {
          200: acceptedSchema.describe('Idempotency-Key replay: the render the key started first (header Idempotent-Replayed: true)'),
          202: acceptedSchema.describe('enqueued; Location names the render'),
          ...commonErrors,
          409: errorBodySchema.describe('the id is taken, or a request with this Idempotency-Key is still being enqueued'),
          413: errorBodySchema.describe('body over API_BODY_LIMIT'),
          422: errorBodySchema.describe(
            'OUTPUT_NOT_WRITABLE: a probe write to the output failed (credentials, permission, no such bucket, unreachable)',
          ),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const definition = providerOf(ctx.providers, body.provider);
      const options = resolveRenderOptions(definition, rawOptions(body));
      const input = await readBodyInput(body);
      const book = input.kind === 'book' ? input.book : undefined;
      // The book's own title, authors and cover fill what the request leaves unset.
      const tags = withBookTags(body, book === undefined ? {} : metadataTags(book.metadata));
      const delivery = resolveDelivery(tags, options.audio, options.voice);
      const bookCover = usableBookCover(book?.cover);
      if (bookCover.skipped !== undefined && body.cover === undefined)
        request.log.warn({ cover: bookCover.skipped }, 'book cover not used');
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
        body.webhook === undefined
          ? undefined
          : { url: assertWebhookUrl(body.webhook.url, ctx.webhookAddresses), secret: body.webhook.secret };

      const idempotencyKey = request.headers['idempotency-key'];
      if (idempotencyKey !== undefined) {
        // Claimed for seconds: a process dying mid-enqueue must not block retries for a day.
        const holder = await ctx.store.claimIdempotencyKey(idempotencyKey, id, 2 * ctx.config.ENQUEUE_RECONCILE_MS);
        if (holder !== null) {
          const first = await ctx.store.get(holder);
          if (!first) {
            throw new HttpError(
              409,
              'IDEMPOTENCY_IN_PROGRESS',
              'a request with this Idempotency-Key is still being enqueued; retry in a moment',
              {
                headers: { 'retry-after': '1' },
              },
            );
          }
          return reply
            .code(200)
            .header('location', renderPath(holder))
            .header('idempotent-replayed', 'true')
            .send({
              id: holder,
              status: first.status,
              segments: first.spec.segmentCount,
              characters: first.spec.characters,
              chapters: first.spec.chapterCount,
              location: renderPath(holder),
            });
        }
      }

      let enqueued;
      try {
        // After every input check and the replay (a replay writes nothing), before the render is
        // written: an output that cannot be written is refused (422), and the claim released.
        await checkOutputWritable(output, ctx.config);
        enqueued = await enqueueRender(
          {
            connection: ctx.redis,
            prefix: ctx.prefix,
            store: ctx.store,
            retry: { attempts: ctx.config.RETRY_ATTEMPTS, backoffMs: ctx.config.RETRY_BACKOFF_MS },
            enqueueTimeoutMs: ctx.config.ENQUEUE_RECONCILE_MS,
            outputStorage: ctx.storages.get(output),
          },
          {
            id,
            title: tags.title,
            plan,
            source: input.source,
            provider: definition,
            options,
            output,
            webhook,
            idempotencyKey,
            ...(lexicon === undefined ? {} : { lexicon: { entries: lexicon, limits } }),
            delivery: {
              options: delivery,
              ...(body.fileName === undefined ? {} : { name: nameOfInputFile(body.fileName) }),
              ...(cover === undefined ? {} : { cover: await storeCover(ctx.storages.get(output), cover) }),
              ...(readAlongSource === undefined
                ? {}
                : { readAlong: await storeReadAlongSource(ctx.storages.get(output), readAlongSource) }),
            },
          },
        );
      } catch (error) {
        // A render whose flow exists keeps its claim: a retry must get it back, not start another.
        if (idempotencyKey !== undefined && !(error instanceof EnqueueUnconfirmedError))
          await releaseClaim(ctx, idempotencyKey, id, request.log);
        // The id was checked above, so the only id error left is that it is taken.
        if (error instanceof InputError && error.field === 'id') throw new HttpError(409, 'ID_TAKEN', error.message, { value: id });
        throw error;
      }
      request.log.info(
        { renderId: id, provider: definition.name, segments: enqueued.segments, characters: enqueued.characters },
        'render enqueued',
      );
      if (enqueued.lexicon !== undefined) request.log.info({ renderId: id, lexicon: enqueued.lexicon }, describeLexicon(enqueued.lexicon));
      return reply
        .code(202)
        .header('location', renderPath(id))
        .send({
          id,
          status: 'queued' as const,
          segments: enqueued.segments,
          characters: enqueued.characters,
          chapters: enqueued.chapters,
          location: renderPath(id),
        });
    },
  );
}

/** Releases a failed enqueue's claim; a failure to is logged (the claim expires in 2 × ENQUEUE_RECONCILE_MS anyway). */
async function releaseClaim(ctx: ApiContext, key: string, id: string, log: FastifyBaseLogger): Promise<void> {
  try {
    await ctx.store.releaseIdempotencyKey(key, id);
  } catch (error) {
    log.error(
      { renderId: id, err: error instanceof Error ? error.message : String(error) },
      'could not release the Idempotency-Key of a failed enqueue',
    );
  }
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
