import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { ConfigError } from '../../errors/config-error.ts';
import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import { countDashScope } from '../../text/count-units.ts';
import type { StreamingProvider, SynthesisMeta, SynthesisRequest, TextLimits } from '../provider.ts';
import { parseBaseUrl } from '../shared/base-url.ts';
import { describeError } from '../shared/network-error.ts';
import {
  classifyConnectError,
  classifyTaskFailure,
  classifyUpgradeResponse,
  scrubbedCause,
  type ClassifyOptions,
} from './classify-error.ts';
import { COSYVOICE_DEFAULT_LIMITS, COSYVOICE_MESSAGE_CEILING, DEFAULT_MESSAGE_MAX_UNITS } from './limits.ts';
import { continueTaskMessage, finishTaskMessage, parseServerEvent, runTaskMessage } from './protocol-messages.ts';
import { SocketInbox } from './socket-inbox.ts';
import { wantsWordTimestamps } from './settings.ts';
import { cosyVoiceTakesSsml } from './ssml-support.ts';
import { toSsml } from './ssml-text.ts';
import { cosyVoiceSpeechText, textMessages } from './text-messages.ts';
import { sendTaskText } from './text-sender.ts';
import { WordTimings } from './word-timings.ts';

/** Timeouts of one task, in milliseconds. */
export interface CosyVoiceTimeouts {
  /** TCP + TLS + WebSocket upgrade (the SDK's 5 s). */
  connectMs: number;
  /** From run-task to task-started (the SDK waits at most 10 s). */
  taskStartedMs: number;
  /**
   * Longest silence from the server while we wait for it, once the task runs. Audio comes per
   * sentence at a real-time factor of ~0.3, so even a long sentence is well inside this.
   */
  idleMs: number;
  /** Longest wait for one text frame to go out; below the service's 23-s idle rule. */
  sendGuardMs: number;
  /**
   * After a cancel (finish-task with the cancel directive), the longest wait for task-finished
   * before the socket is closed anyway. The SDK waits up to 10 s; a cancelled segment's worker
   * has better things to do, and the service stops the task once the socket goes too.
   */
  cancelMs: number;
}

export const DEFAULT_COSYVOICE_TIMEOUTS: CosyVoiceTimeouts = {
  connectMs: 5_000,
  taskStartedMs: 10_000,
  idleMs: 60_000,
  sendGuardMs: 20_000,
  cancelMs: 3_000,
};

export interface CosyVoiceClientOptions {
  apiKey: string;
  /** wss://dashscope.aliyuncs.com/api-ws/v1/inference, a workspace domain, or a simulator. */
  url: string;
  /** Task (= segment) limits; the producer plans with the same ones. */
  limits?: TextLimits;
  /** Weighted characters per continue-task message (default 2,000). */
  messageMaxUnits?: number;
  timeouts?: Partial<CosyVoiceTimeouts>;
  /** Audio held for a slow consumer before the socket stops reading (default 8 MiB). */
  highWaterBytes?: number;
}

const PROVIDER = 'cosyvoice';
const DEFAULT_HIGH_WATER_BYTES = 8 * 1024 * 1024;
/** An upgrade refusal's body is read for its code and message only. */
const MAX_UPGRADE_BODY_BYTES = 64 * 1024;
const UPGRADE_BODY_WAIT_MS = 2_000;
/** A closing handshake the server does not answer in this long is cut. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Alibaba CosyVoice over the DashScope duplex WebSocket (docs/providers/cosyvoice.md). One socket
 * per segment: connect with the key in the upgrade, run-task, wait for task-started, send the text
 * in continue-task messages of at most 2,000 weighted characters and finish-task, and yield each
 * binary audio frame as it comes until task-finished. The socket is closed on every path: success,
 * failure, abort, and a consumer that stops early. A task that started and is abandoned (abort,
 * early stop) is cancelled the SDK's way first: finish-task with the cancel directive, a bounded
 * wait for task-finished, then the close.
 */
export class CosyVoiceClient implements StreamingProvider {
  readonly kind = 'stream';
  readonly name = PROVIDER;
  readonly limits: TextLimits;
  readonly #apiKey: string;
  readonly #url: string;
  readonly #messageMaxUnits: number;
  readonly #timeouts: CosyVoiceTimeouts;
  readonly #highWaterBytes: number;
  readonly #redact: (text: string) => string;
  readonly #sockets = new Set<WebSocket>();
  #closed = false;

  constructor(options: CosyVoiceClientOptions) {
    if (options.apiKey.trim() === '') throw new ConfigError('DASHSCOPE_API_KEY is empty');
    const url = parseBaseUrl(options.url, 'DASHSCOPE_WS_URL', ['ws:', 'wss:']);
    const messageMaxUnits = options.messageMaxUnits ?? DEFAULT_MESSAGE_MAX_UNITS;
    if (!Number.isInteger(messageMaxUnits) || messageMaxUnits < 10 || messageMaxUnits > COSYVOICE_MESSAGE_CEILING) {
      throw new ConfigError(`COSYVOICE_MESSAGE_MAX_UNITS must be an integer from 10 to ${COSYVOICE_MESSAGE_CEILING}`, messageMaxUnits);
    }
    const timeouts = { ...DEFAULT_COSYVOICE_TIMEOUTS, ...options.timeouts };
    for (const [name, value] of Object.entries(timeouts)) {
      if (!Number.isFinite(value) || value <= 0)
        throw new ConfigError(`CosyVoice timeout ${name} must be a positive number of milliseconds`, value);
    }
    this.#apiKey = options.apiKey;
    this.#url = url.href;
    this.limits = options.limits ?? COSYVOICE_DEFAULT_LIMITS;
    this.#messageMaxUnits = messageMaxUnits;
    this.#timeouts = timeouts;
    this.#highWaterBytes = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
    const apiKey = this.#apiKey;
    this.#redact = (text) => text.split(apiKey).join('[redacted]');
  }

  async *synthesize(request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    const signal = request.signal;
    signal?.throwIfAborted();
    if (this.#closed)
      throw new ProviderError('the client is closed', { provider: PROVIDER, kind: 'retryable', providerCode: 'CLIENT_CLOSED' });
    const taskId = randomUUID().replaceAll('-', '');
    const classify: ClassifyOptions = { redact: this.#redact, taskId };
    // A voice that takes SSML gets the pause tags as SSML breaks, in one continue-task.
    const ssml = cosyVoiceTakesSsml(request);
    const frames = this.#textFrames(request.text, taskId, ssml);

    const socket = new WebSocket(this.#url, {
      headers: { authorization: `bearer ${this.#apiKey}`, 'user-agent': 'tts-batch' },
      handshakeTimeout: this.#timeouts.connectMs,
      perMessageDeflate: false,
    });
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    const inbox = new SocketInbox(socket, { highWaterBytes: this.#highWaterBytes });
    let stalled: ProviderError | undefined;
    /** task-started came and no task-finished or task-failed yet: the service is working on it. */
    let running = false;
    let finished = false;
    const stopSending = new AbortController();
    // Before task-started there is no task to cancel: cutting the socket is all there is to do.
    // After it, the reader is woken and the finally block cancels the task properly.
    const onAbort = () => (running ? inbox.interrupt() : socket.terminate());
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#open(socket, classify).catch((error: unknown) => {
        signal?.throwIfAborted();
        throw error;
      });
      await sendFrame(socket, runTaskMessage(taskId, request, { ssml })).catch(() => undefined);
      await this.#waitForStart(inbox, classify, signal);
      running = true;
      signal?.throwIfAborted();
      void sendTaskText({
        send: (frame) => sendFrame(socket, frame),
        frames,
        guardMs: this.#timeouts.sendGuardMs,
        onStall: (error) => {
          stalled ??= error;
          socket.terminate();
        },
        signal: stopSending.signal,
      });

      let billedCharacters: number | undefined;
      let audioFrames = 0;
      const words = wantsWordTimestamps(request.voiceSettings) ? new WordTimings() : undefined;
      for (;;) {
        const item = await inbox.next(this.#timeouts.idleMs);
        signal?.throwIfAborted();
        if (stalled) throw stalled;
        if (item === 'interrupted') continue;
        if (item === 'timeout') {
          socket.terminate();
          throw this.#incomplete(`no message from the service for ${this.#timeouts.idleMs} ms`, audioFrames, taskId);
        }
        if (item.kind === 'closed') throw this.#closedEarly(item, audioFrames, taskId);
        if (item.kind === 'binary') {
          if (item.bytes.length === 0) continue;
          audioFrames += 1;
          yield item.bytes;
          signal?.throwIfAborted();
          continue;
        }
        const event = parseServerEvent(item.text);
        if (event === undefined) throw this.#malformed(item.text, taskId);
        if (event.event === 'task-failed') {
          running = false;
          throw classifyTaskFailure(event.errorCode, event.errorMessage, classify);
        }
        if (event.event === 'result-generated' || event.event === 'task-finished') {
          billedCharacters = event.characters ?? billedCharacters;
          words?.add(event.sentence);
        }
        if (event.event === 'task-finished') {
          finished = true;
          return {
            ...(billedCharacters === undefined ? {} : { billedCharacters }),
            traceId: taskId,
            ...(words === undefined ? {} : { words: words.result() }),
          };
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stopSending.abort();
      // After task-finished the closing handshake is polite. A task still running is cancelled
      // as the SDK does (docs/providers/cosyvoice.md, "Cancel"); anything else is cut.
      if (finished) socket.close(1000, 'task finished');
      else if (running && socket.readyState === WebSocket.OPEN) await this.#cancelTask(socket, inbox, taskId);
      else socket.terminate();
    }
  }

  /**
   * finish-task with the cancel directive, then up to `cancelMs` for task-finished (or
   * task-failed, or the close); audio that still comes is dropped. Then the socket is closed,
   * cut if the server does not answer the closing handshake. Never throws: the caller is already
   * leaving with its own reason.
   */
  async #cancelTask(socket: WebSocket, inbox: SocketInbox, taskId: string): Promise<void> {
    const sent = await sendFrame(socket, finishTaskMessage(taskId, 'cancel')).then(
      () => true,
      () => false,
    );
    const deadline = Date.now() + this.#timeouts.cancelMs;
    while (sent) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const item = await inbox.next(left);
      if (item === 'timeout') break;
      if (item === 'interrupted' || (item.kind !== 'closed' && item.kind !== 'text')) continue;
      if (item.kind === 'closed') return;
      const event = parseServerEvent(item.text)?.event;
      if (event === 'task-finished' || event === 'task-failed') break;
    }
    if (socket.readyState === WebSocket.CLOSED) return;
    const cut = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', () => clearTimeout(cut));
    socket.close(1000, 'task cancelled');
  }

  async close(): Promise<void> {
    this.#closed = true;
    const closing = [...this.#sockets].map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) resolve();
          else socket.once('close', () => resolve());
          socket.terminate();
        }),
    );
    await Promise.all(closing);
  }

  /**
   * continue-task frames for the text, then finish-task. Refuses what the service would refuse.
   * SSML: one `<speak>` document in one message, which must fit it (the planner's SSML limits
   * make segments that do). Plain text: pause tags removed (a 'none' voice's producer cuts at
   * them, so none should come; one that does must not be read aloud), in messages of at most
   * the message maximum.
   */
  #textFrames(text: string, taskId: string, ssml: boolean): string[] {
    const speech = cosyVoiceSpeechText(text);
    if (speech === '') {
      throw new ProviderError('nothing to say: the segment holds no text once pause tags are removed', {
        provider: PROVIDER,
        kind: 'fatal',
        providerCode: 'EMPTY_TEXT',
      });
    }
    if (ssml) {
      const document = toSsml(text);
      const units = countDashScope(document);
      if (units > this.#messageMaxUnits) {
        throw new ProviderError(
          `the segment counts ${units} weighted characters as SSML, over the ${this.#messageMaxUnits} of the one continue-task an SSML task may send (COSYVOICE_MESSAGE_MAX_UNITS)`,
          { provider: PROVIDER, kind: 'fatal', providerCode: 'TEXT_TOO_LONG' },
        );
      }
      return [continueTaskMessage(taskId, document), finishTaskMessage(taskId)];
    }
    const units = countDashScope(speech);
    if (units > this.limits.maxUnits) {
      throw new ProviderError(`the segment counts ${units} weighted characters, over the ${this.limits.maxUnits} one task may carry`, {
        provider: PROVIDER,
        kind: 'fatal',
        providerCode: 'TEXT_TOO_LONG',
      });
    }
    return [
      ...textMessages(speech, this.#messageMaxUnits).map((message) => continueTaskMessage(taskId, message)),
      finishTaskMessage(taskId),
    ];
  }

  /** Resolves once the upgrade succeeded; rejects with a classified error otherwise. */
  #open(socket: WebSocket, classify: ClassifyOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let failure: unknown;
      const onError = (error: Error) => {
        failure ??= error;
      };
      const onOpen = () => {
        stopListening();
        resolve();
      };
      const onClose = () => {
        stopListening();
        reject(classifyConnectError(failure ?? new Error('the socket closed during the upgrade'), classify));
      };
      // With a listener here, ws leaves the refused handshake to us: read why, then cut it.
      const onRefused = (_request: unknown, response: IncomingMessage) => {
        stopListening();
        const status = response.statusCode ?? 0;
        readLimited(response, MAX_UPGRADE_BODY_BYTES, UPGRADE_BODY_WAIT_MS)
          .then((body) => reject(classifyUpgradeResponse(status, response.headers, body, classify)))
          .finally(() => socket.terminate())
          .catch(() => undefined);
      };
      const stopListening = () => {
        socket.off('error', onError);
        socket.off('open', onOpen);
        socket.off('close', onClose);
        socket.off('unexpected-response', onRefused);
      };
      socket.on('error', onError);
      socket.on('open', onOpen);
      socket.on('close', onClose);
      socket.on('unexpected-response', onRefused);
    });
  }

  /** Waits for task-started; a task-failed, a close or the timeout ends the attempt. */
  async #waitForStart(inbox: SocketInbox, classify: ClassifyOptions, signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + this.#timeouts.taskStartedMs;
    const taskId = classify.taskId ?? '';
    for (;;) {
      const item = await inbox.next(Math.max(1, deadline - Date.now()));
      signal?.throwIfAborted();
      if (item === 'interrupted') continue;
      if (item === 'timeout') {
        throw new ProviderError(`no task-started within ${this.#timeouts.taskStartedMs} ms of run-task [task_id ${taskId}]`, {
          provider: PROVIDER,
          kind: 'retryable',
          providerCode: 'TASK_START_TIMEOUT',
          traceId: taskId,
        });
      }
      if (item.kind === 'closed') throw this.#closedEarly(item, 0, taskId);
      if (item.kind === 'binary') continue;
      const event = parseServerEvent(item.text);
      if (event === undefined) throw this.#malformed(item.text, taskId);
      if (event.event === 'task-started') return;
      if (event.event === 'task-failed') throw classifyTaskFailure(event.errorCode, event.errorMessage, classify);
    }
  }

  #closedEarly(item: { code: number; reason: string; error?: Error }, audioFrames: number, taskId: string): IncompleteStreamError {
    const why = item.error
      ? `failed (${this.#redact(describeError(item.error))})`
      : `closed (code ${item.code}${item.reason ? ` ${JSON.stringify(this.#redact(item.reason))}` : ''})`;
    return new IncompleteStreamError(
      PROVIDER,
      `the socket ${why} before task-finished, after ${audioFrames} audio frames [task_id ${taskId}]`,
      item.error ? scrubbedCause(item.error, this.#redact) : undefined,
    );
  }

  #incomplete(what: string, audioFrames: number, taskId: string): IncompleteStreamError {
    return new IncompleteStreamError(PROVIDER, `${what} before task-finished, after ${audioFrames} audio frames [task_id ${taskId}]`);
  }

  #malformed(text: string, taskId: string): ProviderError {
    return new ProviderError(
      `the service sent a text frame that is not an event: ${JSON.stringify(this.#redact(text).slice(0, 80))} [task_id ${taskId}]`,
      {
        provider: PROVIDER,
        kind: 'retryable',
        providerCode: 'MALFORMED_EVENT',
        traceId: taskId,
      },
    );
  }
}

/** Resolves once the frame is handed to the socket; rejects when the socket is not open. */
function sendFrame(socket: WebSocket, frame: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState !== WebSocket.OPEN) {
      reject(new Error('the socket is not open'));
      return;
    }
    socket.send(frame, (error) => (error ? reject(error) : resolve()));
  });
}

/** Reads at most `maxBytes` of a body, giving up after `waitMs` (a refusal's body is a courtesy). */
async function readLimited(response: IncomingMessage, maxBytes: number, waitMs: number): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  const timer = setTimeout(() => response.destroy(), waitMs);
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) break;
    }
  } catch {
    // A body cut short still says what it says so far.
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(parts).toString('utf8').slice(0, maxBytes);
}
