import { randomBytes } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { FaultPicker, type CosyVoiceFault, type FaultPlan, type RandomFaults } from './faults.ts';
import type { RecordedTask, Settings, SimulatorHost, TaskOutcome } from './simulator-host.ts';
import { Session } from './session.ts';
import type { CosyVoiceTone } from './sentence-tone.ts';
import type { WordTimestampPlacement } from './word-timestamps.ts';
import { faultPlanOf } from '../shared/fault-picker.ts';
import { listen } from '../shared/listen.ts';
import { Waiters } from '../shared/waiters.ts';
import {
  emptyBadTakeCounts,
  type BadTake,
  type BadTakeCounts,
  type BadTakeVariant,
  type TakeFaultPlan,
  type TakeRequest,
} from '../shared/take-faults.ts';

export type { RecordedTask, TaskOutcome };

export interface CosyVoiceSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The one key accepted as `Authorization: bearer <key>`; default 'test-key'. */
  apiKey?: string;
  /** Models accepted; default cosyvoice-v1 and cosyvoice-v2. */
  models?: readonly string[];
  /** When set, any other voice is refused with InvalidParameter. */
  voices?: readonly string[];
  /** Speech per spoken character (default 60 ms). Tests use 2–5 ms to keep encoding cheap. */
  msPerChar?: number;
  /** Synthesis time per second of audio (default 0.3, the documented norm); tests use tiny values. */
  rtf?: number;
  /** Extra wait before a task's first audio (default 500 ms, the documented first-packet norm). */
  firstFrameDelayMs?: number;
  /** Wait between run-task and task-started (default 0). */
  taskStartedDelayMs?: number;
  /** A task that hears no client message for this long fails (default 23,000 ms, as the service). */
  idleTimeoutMs?: number;
  /** Weighted characters per continue-task (default 2,000) and per task (default 200,000). */
  messageMaxUnits?: number;
  taskMaxUnits?: number;
  /**
   * Whether SSML tags count toward the limits and the bill: yes on the SDK page (default), no on
   * the WebSocket API page (docs/providers/cosyvoice.md, "Limits and counting").
   */
  countSsmlTags?: boolean;
  /** Where word timestamps go when run-task asks for them (see word-timestamps.ts); default sentence-end. */
  wordTimestamps?: WordTimestampPlacement;
  /** Binary frames (each after its own sentence-synthesis) per sentence; default 1, the documents allow several. */
  framesPerSentence?: number;
  /**
   * task-finished as the WebSocket page shows it, `payload.output.sentence` and `usage` (default),
   * or as the server-events page does, `usage` only.
   */
  taskFinishedShape?: 'with-output' | 'usage-only';
  /**
   * What the speech sounds like (CosyVoiceTone): default `per-text`; `sentences` gives known
   * sentence boundaries (sentence-tone.ts), each task recording where its sentences start.
   */
  tone?: CosyVoiceTone;
  /** Deterministic faults per connection attempt: a list consumed in order, or a function. */
  faults?: FaultPlan;
  /** Random faults instead: this share of attempts (seeded PRNG, so runs repeat). */
  faultRate?: number;
  seed?: number;
  faultKinds?: readonly CosyVoiceFault[];
  /**
   * Bad takes (../shared/take-faults.ts, e.g. randomBadTakes): asked with the task's text (its
   * continue-task texts joined) for every task the fault plan left alone. While a plan is set,
   * such a task speaks once finish-task came, so a bad take is judged whole (a batch client sends
   * finish-task right after the text, as src/providers/cosyvoice does).
   */
  takeFaults?: TakeFaultPlan;
  /** Keep at most this many records (oldest dropped); default unlimited. */
  maxRecorded?: number;
  /** One line per finished task (the CLI prints them). */
  log?: (line: string) => void;
}

export interface CosyVoiceSimulator {
  /** The URL to give the client, e.g. ws://127.0.0.1:41234/api-ws/v1/inference */
  readonly url: string;
  readonly port: number;
  readonly tasks: RecordedTask[];
  /** The largest continue-task and task seen over the simulator's life, in weighted characters. */
  readonly maxMessageUnits: number;
  readonly maxTaskUnits: number;
  /** TCP connections open right now (upgraded or not). */
  openConnections(): number;
  /** Resolves once no TCP connection is open. */
  whenIdle(): Promise<void>;
  setFaults(plan: FaultPlan | RandomFaults | undefined): void;
  /** Replaces the `takeFaults` plan (undefined: no more bad takes from it) for the tasks that start next. */
  setTakeFaults(plan: TakeFaultPlan | undefined): void;
  /** Bad takes sent so far, per variant (a live object), from the fault plan and `takeFaults` alike. */
  readonly badTakes: Readonly<BadTakeCounts>;
  /** Resolves once attempt `number` has arrived. */
  whenTask(number: number): Promise<RecordedTask>;
  /** Resolves once attempt `number` has an outcome. */
  whenFinished(number: number): Promise<RecordedTask>;
  close(): Promise<void>;
}

const PATH = '/api-ws/v1/inference';
const DEFAULT_MODELS = ['cosyvoice-v1', 'cosyvoice-v2'];
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Starts a CosyVoice simulator speaking the DashScope duplex WebSocket protocol on a real socket. */
export async function startCosyVoiceSimulator(options: CosyVoiceSimulatorOptions = {}): Promise<CosyVoiceSimulator> {
  const simulator = new Simulator(options);
  return simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
}

class Simulator implements SimulatorHost {
  readonly #options: CosyVoiceSimulatorOptions;
  readonly #settings: Settings;
  readonly #faults: FaultPicker;
  readonly #closing = new AbortController();
  readonly #tasks: RecordedTask[] = [];
  readonly #arrived = new Waiters<RecordedTask>();
  readonly #finished = new Waiters<RecordedTask>();
  readonly #sockets = new Set<Socket>();
  readonly #connectionIds = new WeakMap<Socket, number>();
  readonly #idleWaiters: (() => void)[] = [];
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_MESSAGE_BYTES });
  readonly #server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket' });
    res.end(JSON.stringify({ code: 'UpgradeRequired', message: 'this endpoint speaks WebSocket only' }));
  });
  readonly #badTakes = emptyBadTakeCounts();
  #takeFaults: TakeFaultPlan | undefined;
  #count = 0;
  #connections = 0;
  #maxMessageUnits = 0;
  #maxTaskUnits = 0;

  constructor(options: CosyVoiceSimulatorOptions) {
    this.#options = options;
    this.#settings = {
      apiKey: options.apiKey ?? 'test-key',
      models: options.models ?? DEFAULT_MODELS,
      voices: options.voices,
      msPerChar: options.msPerChar ?? 60,
      rtf: options.rtf ?? 0.3,
      firstFrameDelayMs: options.firstFrameDelayMs ?? 500,
      taskStartedDelayMs: options.taskStartedDelayMs ?? 0,
      idleTimeoutMs: options.idleTimeoutMs ?? 23_000,
      messageMaxUnits: options.messageMaxUnits ?? 2_000,
      taskMaxUnits: options.taskMaxUnits ?? 200_000,
      countSsmlTags: options.countSsmlTags ?? true,
      wordTimestamps: options.wordTimestamps ?? 'sentence-end',
      framesPerSentence: options.framesPerSentence ?? 1,
      taskFinishedShape: options.taskFinishedShape ?? 'with-output',
      tone: options.tone ?? 'per-text',
    };
    this.#faults = new FaultPicker(faultPlanOf(options));
    this.#takeFaults = options.takeFaults;
    this.#server.on('connection', (socket) => {
      socket.setNoDelay(true);
      this.#connectionIds.set(socket, (this.#connections += 1));
      this.#sockets.add(socket);
      socket.once('close', () => {
        this.#sockets.delete(socket);
        if (this.#sockets.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      });
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#upgrade(req, socket, head));
  }

  async listen(port: number, host: string): Promise<CosyVoiceSimulator> {
    const address = await listen(this.#server, port, host);
    const largest = { message: () => this.#maxMessageUnits, task: () => this.#maxTaskUnits };
    return {
      url: `ws://${address.urlHost}:${address.port}${PATH}`,
      port: address.port,
      tasks: this.#tasks,
      get maxMessageUnits() {
        return largest.message();
      },
      get maxTaskUnits() {
        return largest.task();
      },
      openConnections: () => this.#sockets.size,
      whenIdle: () => (this.#sockets.size === 0 ? Promise.resolve() : new Promise((resolve) => this.#idleWaiters.push(resolve))),
      setFaults: (plan) => this.#faults.set(plan),
      setTakeFaults: (plan) => {
        this.#takeFaults = plan;
      },
      badTakes: this.#badTakes,
      whenTask: (number) => this.#arrived.wait(number, this.#find(number)),
      whenFinished: (number) => {
        const record = this.#find(number);
        return this.#finished.wait(number, record?.outcome === undefined ? undefined : record);
      },
      close: () => this.#close(),
    };
  }

  /** A new record (attempt), with its fault drawn. */
  newRecord(connection: number): { record: RecordedTask; fault: CosyVoiceFault | undefined } {
    const number = (this.#count += 1);
    const record: RecordedTask = {
      number,
      connection,
      authorized: false,
      sequence: [],
      texts: [],
      messageUnits: [],
      taskUnits: 0,
      audioFrames: 0,
      audioBytes: 0,
      durationMs: 0,
    };
    const fault = this.#faults.pick(number);
    if (fault) record.fault = fault.kind;
    this.#tasks.push(record);
    const max = this.#options.maxRecorded;
    if (max !== undefined && this.#tasks.length > max) this.#tasks.splice(0, this.#tasks.length - max);
    this.#arrived.resolve(number, record);
    return { record, fault };
  }

  noteUnits(messageUnits: number, taskUnits: number): void {
    this.#maxMessageUnits = Math.max(this.#maxMessageUnits, messageUnits);
    this.#maxTaskUnits = Math.max(this.#maxTaskUnits, taskUnits);
  }

  hasTakeFaults(): boolean {
    return this.#takeFaults !== undefined;
  }

  takeFault(take: TakeRequest): BadTake | undefined {
    return this.#takeFaults?.(take) ?? undefined;
  }

  noteBadTake(variant: BadTakeVariant): void {
    this.#badTakes[variant] += 1;
  }

  finish(record: RecordedTask, outcome: TaskOutcome): void {
    if (record.outcome !== undefined) return;
    record.outcome = outcome;
    this.#finished.resolve(record.number, record);
    this.#options.log?.(
      `#${record.number} ${record.taskUnits} units in ${record.texts.length} messages, ${record.audioFrames} frames ` +
        `-> ${outcome}${record.fault ? ` (fault ${record.fault})` : ''}${record.errorCode === undefined ? '' : ` ${record.errorCode}`}`,
    );
  }

  get settings(): Settings {
    return this.#settings;
  }

  get closingSignal(): AbortSignal {
    return this.#closing.signal;
  }

  #find(number: number): RecordedTask | undefined {
    return this.#tasks.find((record) => record.number === number);
  }

  #upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const { record, fault } = this.newRecord(this.#connectionIds.get(socket) ?? 0);
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    if (path !== PATH) {
      this.#refuse(record, socket, 404, { code: 'NotFound', message: `no route ${path}` }, 'rejected');
      return;
    }
    if (fault?.kind === 'resetAtUpgrade') {
      this.finish(record, 'faulted');
      socket.destroy();
      return;
    }
    const key = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    record.authorized = key === this.#settings.apiKey;
    if (fault?.kind === 'upgradeRefused') {
      const headers = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      this.#refuse(record, socket, fault.status, refusalBody(fault.status), 'faulted', headers);
      return;
    }
    if (!record.authorized) {
      this.#refuse(record, socket, 401, refusalBody(401), 'rejected');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      new Session(this, ws, record, fault).start();
    });
  }

  #refuse(
    record: RecordedTask,
    socket: Socket,
    status: number,
    body: { code: string; message: string },
    outcome: TaskOutcome,
    headers: Record<string, string> = {},
  ): void {
    record.errorCode = String(status);
    record.errorMessage = body.message;
    this.finish(record, outcome);
    const text = JSON.stringify({ ...body, request_id: randomBytes(16).toString('hex') });
    const lines = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(text)}`,
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
  }

  async #close(): Promise<void> {
    this.#closing.abort();
    for (const client of this.#wss.clients) client.terminate();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

function refusalBody(status: number): { code: string; message: string } {
  switch (status) {
    case 401:
      return { code: 'InvalidApiKey', message: 'Invalid API-key provided.' };
    case 403:
      return { code: 'AccessDenied', message: 'Access denied.' };
    case 429:
      return { code: 'Throttling', message: 'Requests throttling triggered.' };
    default:
      return { code: status >= 500 ? 'InternalError' : 'BadRequest', message: STATUS_CODES[status] ?? 'error' };
  }
}

/** Promises keyed by attempt number, resolved once (late waiters get the value at once). */
