import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.ts';
import { enqueueRender } from '../../src/producer/enqueue-render.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { connectProducer, createRedisConnection } from '../../src/queue/redis-connection.ts';
import { describeLocation } from '../../src/storage/open-storage.ts';
import { enqueueWebhookEvent } from '../../src/webhooks/enqueue-webhook-event.ts';
import type { WebhookEvent } from '../../src/webhooks/webhook-event.ts';
import { WEBHOOK_QUEUE, webhookJobId } from '../../src/queue/webhook-queue.ts';
import { verifyWebhookSignature } from '../../src/webhooks/webhook-signature.ts';
import { assertWebhookUrl } from '../../src/webhooks/webhook-url.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { REPO_ROOT } from '../support/run-cli.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './webhooks-receiver.ts';

type Verify = (secret: string, header: string, rawBody: string | Buffer, toleranceSeconds?: number, nowMs?: number) => boolean;

/** The receiver-side check exactly as docs/webhooks.md prints it, loaded from the doc itself. */
async function loadDocumentedVerifier(dir: string): Promise<Verify> {
  const doc = await readFile(join(REPO_ROOT, 'docs', 'webhooks.md'), 'utf8');
  const block = /<!-- verify-webhook:start -->\s*```js\n([\s\S]*?)```\s*<!-- verify-webhook:end -->/.exec(doc)?.[1];
  if (block === undefined) throw new Error('docs/webhooks.md has no verify-webhook snippet between its markers');
  const file = join(dir, 'verify-webhook.mjs');
  await writeFile(file, block);
  const module = (await import(pathToFileURL(file).href)) as { verifyWebhook?: Verify };
  if (typeof module.verifyWebhook !== 'function') throw new Error('the documented snippet does not export verifyWebhook');
  return module.verifyWebhook;
}

describe('webhooks (real workers, SenseAudio simulator, a local receiver)', () => {
  const API_KEY = 'wh-sim-key-0c4e9d';
  const SECRET = 'whsec-test-5b7f0e2a9c4d1e3f';
  const TEXT = 'A short notice. 这是一段很短的通知。It fits in one segment.';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;
  let connection: Redis;
  let webhooks: Queue;
  let webhookEvents: QueueEvents;
  let scratch: string;
  let verifyAsDocumented: Verify;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 2 });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_TIMEOUT_MS: '400',
      // The receivers listen on loopback, which webhooks may reach only when allowed explicitly.
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      RETRY_ATTEMPTS: '2',
    });
    connection = createRedisConnection(env.config.REDIS_URL, 'producer');
    await connectProducer(connection, env.config.REDIS_URL);
    webhooks = new Queue(WEBHOOK_QUEUE, { connection, prefix: env.config.QUEUE_PREFIX });
    webhookEvents = new QueueEvents(WEBHOOK_QUEUE, { connection: { url: env.config.REDIS_URL }, prefix: env.config.QUEUE_PREFIX });
    await webhookEvents.waitUntilReady();
    scratch = await mkdtemp(join(tmpdir(), 'ttsb-webhooks-'));
    verifyAsDocumented = await loadDocumentedVerifier(scratch);
  });

  afterAll(async () => {
    await Promise.allSettled(receivers.map((receiver) => receiver.close()));
    await webhookEvents?.close();
    await webhooks?.close();
    await connection?.quit();
    await env?.close();
    await simulator?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function receiver(answers: readonly (number | 'hang')[] = []): Promise<WebhookReceiver> {
    const started = await startWebhookReceiver(answers);
    receivers.push(started);
    return started;
  }

  async function enqueueWithWebhook(id: string, url: string | undefined, text: string = TEXT): Promise<void> {
    const { plan, options } = env.plan(text, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    await enqueueRender(
      {
        connection,
        prefix: env.config.QUEUE_PREFIX,
        store: env.store,
        retry: { attempts: env.config.RETRY_ATTEMPTS, backoffMs: env.config.RETRY_BACKOFF_MS },
      },
      {
        id,
        plan,
        provider: senseAudioDefinition,
        options,
        output: describeLocation(env.out),
        ...(url === undefined ? {} : { webhook: { url, secret: SECRET } }),
      },
    );
  }

  /** Waits until the render's webhook job has ended; returns its return value or failure reason. */
  async function webhookJobEnd(renderId: string, type: WebhookEvent['type']): Promise<{ returned?: unknown; failed?: string }> {
    let job: Job | undefined;
    // The job is added when the render ends: look for it, else wait for the next 'added' event
    // (listened for before looking, so one that comes in between is not missed).
    for (;;) {
      let onAdded = (): void => undefined;
      const added = new Promise<void>((resolve) => {
        onAdded = resolve;
        webhookEvents.once('added', onAdded);
      });
      job = await Job.fromId(webhooks, webhookJobId(renderId, type));
      if (job) {
        webhookEvents.off('added', onAdded);
        break;
      }
      await added;
    }
    try {
      return { returned: await job.waitUntilFinished(webhookEvents, 30_000) };
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
  }

  function signature(request: ReceivedWebhook): string {
    const header = request.headers['webhook-signature'];
    if (typeof header !== 'string') throw new Error(`request ${request.number} has no Webhook-Signature header`);
    return header;
  }

  it('POSTs a signed render.completed event, still delivered after the receiver answered 500 twice', async () => {
    const hook = await receiver([500, 500, 200]);
    await enqueueWithWebhook('wh-done', `${hook.url}/hooks/tts?source=test`);
    await env.finish('wh-done');
    const outcome = await webhookJobEnd('wh-done', 'render.completed');
    expect(outcome.failed, 'the webhook job should have been delivered').toBeUndefined();
    expect(outcome.returned).toEqual({ delivered: true, status: 200 });

    expect(
      hook.received.map((r) => r.answer),
      'two refused attempts, then one delivered',
    ).toEqual([500, 500, 200]);
    const state = await env.store.get('wh-done');
    for (const request of hook.received) {
      expect(request.path).toBe('/hooks/tts?source=test');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toBe('wh-done-render-completed');
      expect(
        verifyAsDocumented(SECRET, signature(request), request.body),
        `attempt ${request.number}: the documented check must accept it`,
      ).toBe(true);
      expect(verifyWebhookSignature(SECRET, signature(request), request.body)).toBe(true);
      expect(request.body, 'every attempt carries the same event').toBe(hook.received[0]!.body);
    }
    const last = hook.received[2]!;
    // What a receiver must refuse: another secret, an altered body, a stale timestamp (replay).
    expect(verifyAsDocumented('another-secret-of-some-length', signature(last), last.body)).toBe(false);
    expect(verifyAsDocumented(SECRET, signature(last), last.body.replace('"completed"', '"failed"'))).toBe(false);
    expect(verifyAsDocumented(SECRET, signature(last), last.body, 300, Date.now() + 10 * 60_000)).toBe(false);

    const event = JSON.parse(last.body) as WebhookEvent;
    expect(event).toEqual({
      type: 'render.completed',
      id: 'wh-done',
      status: 'completed',
      occurredAt: state?.finishedAt,
      result: state?.result,
    });
    expect(event.result?.location).toMatch(/\/wh-done\/audio\.mp3$/);

    // The job holds references only: never the secret.
    const job = await Job.fromId(webhooks, 'wh-done-render-completed');
    expect(job?.data).toEqual({ renderId: 'wh-done', type: 'render.completed' });
    expect(JSON.stringify(job?.asJSON())).not.toContain(SECRET);

    // Enqueueing the same event again adds nothing: the job id is fixed per render and type.
    await enqueueWebhookEvent(connection, env.config.QUEUE_PREFIX, 'wh-done', 'render.completed');
    expect(await webhooks.getJobCounts('waiting', 'delayed', 'active')).toEqual({ waiting: 0, delayed: 0, active: 0 });
    expect(await (await Job.fromId(webhooks, 'wh-done-render-completed'))?.getState()).toBe('completed');
  });

  it('gives up at once on a 4xx other than 408 and 429', async () => {
    const hook = await receiver([410]);
    await enqueueWithWebhook('wh-gone', hook.url);
    await env.finish('wh-gone');
    const outcome = await webhookJobEnd('wh-gone', 'render.completed');
    expect(outcome.failed).toMatch(/HTTP 410; giving up/);
    expect(outcome.failed, 'the reason names the origin only').not.toContain('/hooks');
    expect(hook.received).toHaveLength(1);
  });

  it('retries a receiver that does not answer within WEBHOOK_TIMEOUT_MS', async () => {
    const hook = await receiver(['hang', 200]);
    await enqueueWithWebhook('wh-slow', hook.url);
    await env.finish('wh-slow');
    const outcome = await webhookJobEnd('wh-slow', 'render.completed');
    expect(outcome.returned).toEqual({ delivered: true, status: 200 });
    expect(hook.received.map((r) => r.answer)).toEqual(['hang', 200]);
    expect(hook.received[1]!.headers['webhook-id']).toBe(hook.received[0]!.headers['webhook-id']);
  });

  it('sends render.failed, signed, when a segment fails for good (provider flags the text as sensitive)', async () => {
    const hook = await receiver();
    // Not a 401: refused credentials pause the worker and hand the job back (credential-containment.test.ts).
    simulator.setFaults(() => ({ kind: 'business', code: 1026 }));
    try {
      // Text no other test spoke: a cached segment would never reach the provider.
      await enqueueWithWebhook('wh-fail', hook.url, 'This notice is refused by the provider. 服务拒绝了这段文字。');
      const outcome = await webhookJobEnd('wh-fail', 'render.failed');
      expect(outcome.returned).toEqual({ delivered: true, status: 200 });
    } finally {
      simulator.setFaults(undefined);
    }
    expect(hook.received).toHaveLength(1);
    const request = hook.received[0]!;
    expect(verifyAsDocumented(SECRET, signature(request), request.body)).toBe(true);
    const event = JSON.parse(request.body) as WebhookEvent;
    expect(event.type).toBe('render.failed');
    expect(event.status).toBe('failed');
    expect(event.error).toMatch(/^segment 0: /);
    expect(event.error, 'provider errors never carry the key').not.toContain(API_KEY);
    expect(event.result).toBeUndefined();
  });

  it('refuses, without connecting or retrying, a loopback receiver WEBHOOK_ALLOW_HOSTS does not list', async () => {
    const hook = await startWebhookReceiver([], '127.0.0.2');
    receivers.push(hook);
    let connections = 0;
    hook.onConnection(() => (connections += 1));
    await enqueueWithWebhook('wh-internal', `${hook.url}/hook`);
    await env.finish('wh-internal');
    const outcome = await webhookJobEnd('wh-internal', 'render.completed');
    expect(outcome.failed).toMatch(
      /^webhook http:\/\/127\.0\.0\.2:\d+: 127\.0\.0\.2 is a loopback, private, link-local or reserved address; list internal receivers in WEBHOOK_ALLOW_HOSTS$/,
    );
    const job = await Job.fromId(webhooks, webhookJobId('wh-internal', 'render.completed'));
    expect(job?.attemptsMade, 'a refused address is not retried').toBe(1);
    expect(connections).toBe(0);
    expect(hook.received).toHaveLength(0);
  });

  it('queues nothing for a render without a webhook', async () => {
    await enqueueWithWebhook('wh-none', undefined);
    await env.finish('wh-none');
    await enqueueWebhookEvent(connection, env.config.QUEUE_PREFIX, 'wh-none', 'render.completed');
    expect(await Job.fromId(webhooks, webhookJobId('wh-none', 'render.completed'))).toBeUndefined();
  });

  it('accepts only http(s) webhook URLs without credentials', () => {
    expect(assertWebhookUrl('https://example.com/hook?token=abc')).toBe('https://example.com/hook?token=abc');
    expect(() => assertWebhookUrl('ftp://example.com/hook')).toThrow(InputError);
    expect(() => assertWebhookUrl('file:///etc/passwd')).toThrow(/webhook\.url: must use http or https, not file/);
    expect(() => assertWebhookUrl('https://user:pw@example.com/')).toThrow(/must not carry a user or password/);
    expect(() => assertWebhookUrl('not a url')).toThrow(/absolute http/);
  });
});
