import { bookBudget, releaseBudget, settleRenderBudget, type BudgetBooking } from '../render/daily-budget.ts';
import { estimateRender } from './estimate-render.ts';
import { fairPriorities } from '../queue/fair-priority.ts';
import type { RenderPriority } from '../render/render-priority.ts';
import type { QaRequest } from '../verify/qa-record.ts';
import { queueFrontier } from './queue-frontier.ts';
import { segmentIdentities } from './segment-identities.ts';
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { EnqueueCleanupError, EnqueueExpiredError, EnqueueUnconfirmedError } from '../errors/enqueue-error.ts';
import { InputError } from '../errors/input-error.ts';
import type { ProviderDefinition } from '../providers/provider-definition.ts';
import { segmentJobId, STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { segmentJobOptions, stitchJobOptions, type RetryPolicy } from '../queue/job-options.ts';
import { assertRenderId, newRenderId } from '../render/render-id.ts';
import type { RenderOutline } from '../render/render-outline.ts';
import { finishEnqueue } from '../render/enqueue-ledger.ts';
import type { RenderSpec } from '../render/render-record.ts';
import type { RenderStore } from '../render/render-store.ts';
import type { StitchJobData, SynthesizeJobData } from '../queue/job-data.ts';
import type { RenderPlan } from './plan.ts';
import type { RenderOptions } from './render-options.ts';
import type { DeliveryOptions } from './delivery-options.ts';
import { claimBookFolder, releaseBookFolder } from './claim-book-folder.ts';
import { bookNames } from '../render/book-name.ts';
import type { DeliverySpec } from '../render/delivery-spec.ts';
import type { Storage } from '../storage/storage.ts';
import { SegmentLexicon, type LexiconSummary, type RenderLexicon } from './segment-lexicon.ts';

export interface RenderRequest {
  id?: string | undefined;
  title?: string | undefined;
  /** Made by planRender before anything touches Redis, so bad text is refused first. */
  plan: RenderPlan;
  provider: ProviderDefinition;
  options: RenderOptions;
  /** Canonical output location (absolute file URL or s3://bucket/prefix). */
  output: string;
  /** Where to POST the final event, signed with `secret` (kept out of the spec and job data). */
  webhook?: { url: string; secret: string } | undefined;
  /**
   * How the book is delivered (resolveDelivery) and what it is called: `name` is the title, else
   * the input file's name, else the render id; the folder and the files are named after it.
   * Absent: the raw join under `<id>/`, as before delivery existed (tests of the queue use it).
   */
  delivery?:
    | { options: DeliveryOptions; name?: string | undefined; cover?: DeliverySpec['cover']; readAlong?: DeliverySpec['readAlong'] }
    | undefined;
  /** The file the book was read from (its name, the format it was read as, sha256), for the manifest. */
  source?: RenderSpec['source'] | undefined;
  /** The Idempotency-Key the caller claimed for this id: kept a day once the flow exists, released if it never does. */
  idempotencyKey?: string | undefined;
  /** Pronunciations to apply segment by segment (segment-lexicon.ts); absent or empty: none. */
  lexicon?: RenderLexicon | undefined;
  /** Its share of the provider's slots beside other renders (fair-priority.ts); default normal. */
  priority?: RenderPriority | undefined;
  /** Check every new take and retake bad ones (verify/, issue 15); absent: no checks. */
  qa?: QaRequest | undefined;
}

export interface EnqueuedRender {
  id: string;
  segments: number;
  characters: number;
  chapters: number;
  /** What the lexicon did, when the render had one. */
  lexicon?: LexiconSummary;
}

export interface EnqueueDeps {
  connection: Redis;
  prefix: string;
  store: RenderStore;
  retry: RetryPolicy;
  /** ENQUEUE_RECONCILE_MS: past this, a render whose flow is not added is failed by the reconciler. */
  enqueueTimeoutMs?: number | undefined;
  /** The output, to see whether a folder name is already used by files there (see claim-book-folder.ts). */
  outputStorage?: Storage | undefined;
  /** PROVIDER_DAILY_BUDGET and its window: a provider named here books each render's units before it is enqueued (daily-budget.ts). */
  budgets?: { unitsPerWindow: Readonly<Record<string, number>>; windowMs: number } | undefined;
}

const DEFAULT_ENQUEUE_TIMEOUT_MS = 60_000;

/**
 * Enqueues the whole planned render as one atomic BullMQ flow: a stitch parent
 * with one synthesize child per segment on the provider's own queue. Either all of it is
 * enqueued or none of it: the render record is removed again when the flow cannot be added, and
 * when the process dies between the two, the reconciler fails the record after
 * `enqueueTimeoutMs` (src/render/enqueue-ledger.ts).
 */
export async function enqueueRender(deps: EnqueueDeps, request: RenderRequest): Promise<EnqueuedRender> {
  const id = request.id === undefined ? newRenderId() : assertRenderId(request.id);
  const { provider, options } = request;
  const { plan } = request;
  const lexicon = request.lexicon === undefined ? undefined : new SegmentLexicon(provider, options, request.lexicon);

  // The job carries exactly what names its cached audio, so the worker speaks what the key says
  // (the estimate computes the same keys: segment-identities.ts).
  const jobs = segmentIdentities(plan, provider, options, lexicon).map(({ segment, identity, key }) => {
    const data: SynthesizeJobData = {
      renderId: id,
      index: segment.index,
      ...identity,
      output: request.output,
      key,
      chars: segment.chars,
      ...(request.qa === undefined ? {} : { qa: request.qa }),
    };
    return { segment, data };
  });

  // A budgeted provider: the units it would bill (cached segments cost 0) are booked first, in
  // this window or the first with room; a later window delays every segment until it opens.
  const booking = await bookRender(deps, request, lexicon);
  const startsAt = booking === undefined ? 0 : Date.parse(booking.windowStart);
  const delayMs = Math.max(0, startsAt - Date.now());

  const delivery = request.delivery === undefined ? undefined : await deliverySpec(deps, request, id);
  const spec: RenderSpec = {
    id,
    createdAt: new Date().toISOString(),
    ...(request.title === undefined ? {} : { title: request.title }),
    provider: provider.name,
    model: options.model,
    voice: options.voice,
    voiceSettings: options.voiceSettings,
    audio: options.audio,
    output: request.output,
    ...(delivery === undefined ? {} : { delivery }),
    ...(request.source === undefined ? {} : { source: request.source }),
    ...(request.webhook ? { webhook: { url: request.webhook.url } } : {}),
    characters: plan.characters,
    segmentCount: plan.segments.length,
    chapterCount: plan.chapters.length,
    ...(request.priority === undefined ? {} : { priority: request.priority }),
    ...(request.qa === undefined ? {} : { qa: request.qa }),
    ...(booking === undefined ? {} : { budget: { ...booking, ...(delayMs > 0 ? { waitsUntil: booking.windowStart } : {}) } }),
  };
  // The lists that grow with the book live apart from the record every status read parses.
  const outline: RenderOutline = {
    chapters: plan.chapters,
    // A pause travels here, never in the segment's identity: changing one re-bills nothing.
    segments: jobs.map(({ segment, data }) => ({
      index: segment.index,
      chapter: segment.chapter,
      chars: segment.chars,
      key: data.key,
      ...(segment.pauseAfter === undefined ? {} : { pauseAfter: segment.pauseAfter }),
      sentences: segment.sentences,
    })),
    ...(plan.pauseBefore === undefined ? {} : { pauseBefore: plan.pauseBefore }),
  };

  const timeoutMs = deps.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  const created = await deps.store.create(
    spec,
    { webhookSecret: request.webhook?.secret, enqueueBy: Date.now() + timeoutMs, idempotencyKey: request.idempotencyKey },
    outline,
  );
  if (!created) {
    if (booking !== undefined) await releaseBudget(deps.connection, deps.prefix, booking, 0);
    if (delivery !== undefined)
      await releaseBookFolder(deps.connection, deps.prefix, { output: request.output, folder: delivery.folder, renderId: id });
    throw new InputError('id', `a render with id "${id}" already exists; choose another id`, id);
  }
  // Fair shares: each segment's BullMQ priority from where the provider's queue is now.
  const providerQueue = new Queue(synthesizeQueueName(provider.name), { connection: deps.connection, prefix: deps.prefix });
  const frontier = provider.polledTasks === true ? 0 : await queueFrontier(providerQueue).finally(() => providerQueue.close());
  if (provider.polledTasks === true) await providerQueue.close();
  const fair = fairPriorities(frontier, request.priority);
  const priorityOf = (index: number): number | undefined => (provider.polledTasks === true ? undefined : fair(index));
  const flows = new FlowProducer({ connection: deps.connection, prefix: deps.prefix });
  try {
    const parentData: StitchJobData = { renderId: id };
    await flows.add({
      name: 'stitch',
      queueName: STITCH_QUEUE,
      data: parentData,
      opts: stitchJobOptions(id, deps.retry),
      children: jobs.map(({ data }) => ({
        name: 'synthesize',
        queueName: synthesizeQueueName(provider.name),
        data,
        opts: {
          ...segmentJobOptions(segmentJobId(id, data.index), deps.retry),
          ...prioritized(priorityOf(data.index)),
          ...(delayMs > 0 ? { delay: delayMs } : {}),
        },
      })),
    });
  } catch (error) {
    // Settled on the record (budgetHeld), so a reconciler that later finds it (its removal below
    // failed) gives nothing back a second time.
    if (booking !== undefined) await settleRenderBudget(deps.connection, deps.prefix, id, { beforeEnd: true }).catch(() => undefined);
    if (delivery !== undefined)
      await releaseBookFolder(deps.connection, deps.prefix, { output: request.output, folder: delivery.folder, renderId: id }).catch(
        () => undefined,
      );
    await undoCreate(deps, id, error);
  } finally {
    await flows.close();
  }
  let finished: boolean;
  try {
    finished = await finishEnqueue(deps.connection, deps.prefix, id);
  } catch (error) {
    // The flow exists: undoing nothing, the reconciler confirms it (and keeps its key).
    throw new EnqueueUnconfirmedError(id, error);
  }
  if (!finished) {
    // Too late: the reconciler failed the render meanwhile. Its jobs would only complete as
    // abandoned; take them back so nothing of it stays queued.
    await takeBackFlow(deps, id);
    throw new EnqueueExpiredError(id, timeoutMs);
  }
  return {
    id,
    segments: plan.segments.length,
    characters: plan.characters,
    chapters: plan.chapters.length,
    ...(lexicon === undefined ? {} : { lexicon: lexicon.summary() }),
  };
}

/** A job option only when there is a priority (BullMQ's type has no room for an undefined one). */
function prioritized(priority: number | undefined): { priority?: number } {
  return priority === undefined ? {} : { priority };
}

/** Books the render's units against its provider's budget, when it has one; undefined when not. */
async function bookRender(
  deps: EnqueueDeps,
  request: RenderRequest,
  lexicon: SegmentLexicon | undefined,
): Promise<BudgetBooking | undefined> {
  const unitsPerWindow = deps.budgets?.unitsPerWindow[request.provider.name];
  if (deps.budgets === undefined || unitsPerWindow === undefined) return undefined;
  const units = await unitsToBill(request, deps.outputStorage, lexicon);
  return bookBudget(
    deps.connection,
    deps.prefix,
    { provider: request.provider.name, unitsPerWindow, windowMs: deps.budgets.windowMs },
    units,
  );
}

/** What the render would bill: its estimate's `toBill` (segments found in the output cost 0; without an output, every one counts). */
async function unitsToBill(request: RenderRequest, storage: Storage | undefined, lexicon: SegmentLexicon | undefined): Promise<number> {
  if (storage === undefined) {
    const query = { model: request.options.model, voice: request.options.voice };
    return segmentIdentities(request.plan, request.provider, request.options, lexicon).reduce(
      (sum, job) => sum + request.provider.billing.units(job.identity.text, query),
      0,
    );
  }
  const estimate = await estimateRender({
    plan: request.plan,
    provider: request.provider,
    options: request.options,
    lexicon: request.lexicon,
    storage,
  });
  return estimate.toBill.units;
}

/** Removes the record of a render whose flow could not be added; never hides either failure. */
async function undoCreate(deps: EnqueueDeps, id: string, error: unknown): Promise<never> {
  try {
    await deps.store.remove(id);
  } catch (cleanupError) {
    throw new EnqueueCleanupError(id, error, cleanupError);
  }
  throw error;
}

async function takeBackFlow(deps: EnqueueDeps, id: string): Promise<void> {
  const stitch = new Queue(STITCH_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  try {
    await stitch.remove(id, { removeChildren: true });
  } catch (cleanupError) {
    throw new EnqueueCleanupError(id, new EnqueueExpiredError(id, deps.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS), cleanupError);
  } finally {
    await stitch.close();
  }
}

/** The delivery as stored: the options, the folder claimed for the book, the files' base name. */
async function deliverySpec(deps: EnqueueDeps, request: RenderRequest, id: string): Promise<DeliverySpec> {
  const { options, name, cover, readAlong } = request.delivery as NonNullable<RenderRequest['delivery']>;
  const named = request.title ?? name ?? id;
  // Each from the first of the names that leaves something: an emoji title still gets the file's name.
  const { slug, baseName } = bookNames([request.title, name, id]);
  const folder = await claimBookFolder(deps.connection, deps.prefix, {
    output: request.output,
    slug,
    renderId: id,
    storage: deps.outputStorage,
  });
  const { readAlong: _asked, ...rest } = options;
  return {
    ...rest,
    ...(readAlong === undefined ? {} : { readAlong }),
    // Untitled, the book is still called something in players: its file's (or the render's) name.
    tags: { ...options.tags, title: options.tags.title ?? named },
    ...(cover === undefined ? {} : { cover }),
    folder,
    baseName,
  };
}
