import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { EnqueueUnconfirmedError } from '../../errors/enqueue-error.ts';
import { InputError } from '../../errors/input-error.ts';
import { enqueueRender } from '../../producer/enqueue-render.ts';
import { checkMaxUnits } from '../../producer/render-budget.ts';
import { describeLexicon } from '../../producer/segment-lexicon.ts';
import { storeCover } from '../../producer/store-cover.ts';
import { storeReadAlongSource } from '../../producer/store-read-along-source.ts';
import { multipartToBody } from '../multipart-book.ts';
import { RENDER_STATUSES } from '../../render/render-record.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { estimatePreparedRequest } from '../estimate-request.ts';
import { HttpError } from '../http-error.ts';
import { prepareRenderRequest } from '../prepare-render-request.ts';
import { createRenderBodySchema } from '../render-request-schema.ts';
import { renderPath } from '../render-view.ts';
import { checkOutputWritable } from '../../storage/check-output.ts';
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
      const prepared = await prepareRenderRequest(body, ctx, request.log);
      const { definition, options, input, tags, delivery, cover, id, readAlongSource, limits, lexicon, plan, output, webhook } = prepared;
      // Before the Idempotency-Key is claimed and anything is enqueued: over its cap, nothing starts.
      if (body.maxUnits !== undefined) checkMaxUnits(await estimatePreparedRequest(prepared, ctx), body.maxUnits);

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
            budgets: { unitsPerWindow: ctx.config.PROVIDER_DAILY_BUDGET, windowMs: ctx.config.BUDGET_WINDOW_MS },
          },
          {
            id,
            title: tags.title,
            priority: body.priority,
            qa: prepared.qa,
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
