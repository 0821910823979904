import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeSignal, pause, readBody, sendJson, write } from '../shared/http-io.ts';
import { badTakeTaskAudio, badTaskAudio, taskAudio, usageCharacters, type Ai302Tone, type ResultFormat } from './audio.ts';
import {
  Ai302FaultPicker,
  type Ai302Call,
  type Ai302Fault,
  type Ai302FaultKind,
  type Ai302FaultPlan,
  type Ai302RandomFaults,
} from './faults.ts';
import { validateCreate, type SimCreate } from './validate-request.ts';
import { faultPlanOf } from '../shared/fault-picker.ts';
import { listen } from '../shared/listen.ts';
import { emptyBadTakeCounts, type BadTakeCounts, type BadTakeVariant, type TakeFaultPlan } from '../shared/take-faults.ts';

/** The status words the simulator says at each stage; switchable to exercise lenient parsing. */
export interface StatusWords {
  pending: string;
  processing: string;
  success: string;
  failed: string;
}

/** What can be switched while the simulator runs. */
export interface Ai302Behaviour {
  /** `flat`: `{task_id, status, …}`; `wrapped`: `{code: 0, msg, data: {…}}` (errors as `{code, msg}` in HTTP 200). */
  shape: 'flat' | 'wrapped';
  statusWords: StatusWords;
  /** Where the result link goes in a finished task, as a dotted path (`audio_url`, `result.audio_url`, `output.url`…). */
  urlField: string;
  /** Where the task id goes (`task_id`, `taskid`, `id`). */
  taskIdField: string;
  /** The container served; the link's name always ends `.wav`, whatever it holds. */
  resultFormat: ResultFormat;
  /** Milliseconds a task spends pending, then again processing. */
  stageMs: number;
  /**
   * How a query for a task id the simulator never made is answered, on a route that exists. The
   * document says nothing; both shapes 302.AI's APIs use are on offer: `http404` is HTTP 404 with
   * a JSON error naming the task, `business` is HTTP 200 carrying `{code: 404, msg}`. A route
   * that does not exist is always a bare 404 with a generic text body (no JSON).
   */
  unknownTask: 'http404' | 'business';
}

export interface Ai302SimulatorOptions extends Partial<Ai302Behaviour> {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The one key accepted as `Authorization: Bearer <key>`; default 'test-key'. */
  apiKey?: string;
  /** POST here creates a voice-clone task. */
  clonePath?: string;
  /** POST here creates a voice-generation task. */
  generatePath?: string;
  /** GET `?task_id=` here queries a voice-clone task; by default a path of its own (the real ones are unconfirmed). */
  cloneQueryPath?: string;
  /** The same for voice-generation tasks. */
  generateQueryPath?: string;
  /** Speech per spoken character; default 60 ms. Tests use 1–5 ms to keep audio small. */
  msPerChar?: number;
  /** What the speech sounds like (Ai302Tone): default `per-text`; `sentences` records each task's sentence starts. */
  tone?: Ai302Tone;
  /** A wait before answering every query, like a loaded API (default 0). */
  queryLatencyMs?: number;
  /** Refuse longer input_text (code points) with a parameter error; default: no limit. */
  maxChars?: number;
  /** Deterministic faults, one per create request (a list or a function). */
  faults?: Ai302FaultPlan;
  /** Random faults instead: this share of create requests (seeded PRNG, so runs repeat). */
  faultRate?: number;
  seed?: number;
  faultKinds?: readonly Ai302Fault[];
  /**
   * Bad takes (../shared/take-faults.ts, e.g. randomBadTakes): asked with input_text for every
   * task created that the fault plan left alone; what it names becomes the task's `badTake` fault.
   */
  takeFaults?: TakeFaultPlan;
  /** Keep at most this many request records and tasks (oldest dropped); default unlimited. */
  maxRecorded?: number;
  /** One line per finished request (the CLI prints them). */
  log?: (line: string) => void;
}

export type TaskStage = 'pending' | 'processing' | 'success' | 'failed';

/** A task the simulator created (one per accepted create request: each is paid for). */
export interface SimTask {
  /** 1-based, in creation order. */
  number: number;
  id: string;
  kind: 'clone' | 'generate';
  /** input_text exactly as received. */
  text: string;
  request: SimCreate;
  createdAt: number;
  fault?: Ai302FaultKind;
  /** A `badTake` fault: what is wrong with the result file, and for `otherText` the text it speaks. */
  badTake?: BadTakeVariant;
  spokenInstead?: string;
  /** Queries answered with a status (faulted ones not counted). */
  queries: number;
  /** The last stage a query reported. */
  lastReported?: TaskStage;
  /** Spoken code points: the `usage.characters` reported when the task succeeds. */
  usageCharacters: number;
  /** Downloads that delivered the whole file. */
  completedDownloads: number;
  audioBytes?: number;
  durationMs?: number;
  /** tone `sentences`: where each sentence's burst starts, ms into the result file's audio (set when it is made). */
  sentenceStartsMs?: number[];
  /** tone `sentences`: the sentences those starts are of (the shared rule over the spoken text). */
  sentenceTexts?: string[];
}

export type RequestOutcome = 'ok' | 'rejected' | 'faulted' | 'client-closed';

export interface RecordedRequest {
  number: number;
  at: number;
  call: Ai302Call | 'unknown';
  method: string;
  path: string;
  authorized: boolean;
  taskId?: string;
  fault?: Ai302FaultKind;
  httpStatus?: number;
  outcome?: RequestOutcome;
}

export interface Ai302Simulator {
  /** Base URL to give the client, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly clonePath: string;
  readonly generatePath: string;
  readonly cloneQueryPath: string;
  readonly generateQueryPath: string;
  readonly requests: RecordedRequest[];
  readonly tasks: SimTask[];
  setFaults(plan: Ai302FaultPlan | Ai302RandomFaults | undefined): void;
  /** Replaces the `takeFaults` plan (undefined: no more bad takes from it). */
  setTakeFaults(plan: TakeFaultPlan | undefined): void;
  /**
   * Bad takes made so far, per variant (a live object), from the fault plan and `takeFaults`
   * alike: a task's result file counts once, when it is first made (at its first download).
   */
  readonly badTakes: Readonly<BadTakeCounts>;
  /** Accepts one more key from now on (a key fixed at the provider's end). */
  acceptKey(key: string): void;
  /** Switches shape, status words, result field, container or clock for what comes next. */
  configure(behaviour: Partial<Ai302Behaviour>): void;
  /** Tasks created for this exact input_text. */
  tasksFor(text: string): SimTask[];
  /** The most tasks that were running (created, not yet finished) at the same moment. */
  peakTasksInFlight(): number;
  /** Resolves once `predicate` holds, checked as each request arrives and as it ends. */
  until(predicate: (simulator: Ai302Simulator) => boolean): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_BEHAVIOUR: Ai302Behaviour = {
  shape: 'flat',
  statusWords: { pending: 'pending', processing: 'processing', success: 'success', failed: 'failed' },
  urlField: 'audio_url',
  taskIdField: 'task_id',
  resultFormat: 'wav',
  stageMs: 1000,
  unknownTask: 'http404',
};
export const DEFAULT_CLONE_PATH = '/302/higgs-audio-v2/voice-clone';
export const DEFAULT_GENERATE_PATH = '/302/higgs-audio-v2/voice-generate';
/** Distinct from the create paths on purpose: a client must be told both, and a test can get one wrong. */
export const DEFAULT_CLONE_QUERY_PATH = '/302/higgs-audio-v2/voice-clone/task';
export const DEFAULT_GENERATE_QUERY_PATH = '/302/higgs-audio-v2/voice-generate/task';
const FILES_PREFIX = '/files/';
const MAX_BODY_BYTES = 1024 * 1024;

/** Starts a 302.AI Higgs Audio v2 simulator: create/query task endpoints and result files on a real socket. */
export async function startAi302Simulator(options: Ai302SimulatorOptions = {}): Promise<Ai302Simulator> {
  return new Simulator(options).listen(options.port ?? 0, options.host ?? '127.0.0.1');
}

interface TaskState extends SimTask {
  faultSpec?: Ai302Fault;
  queryFaultUsed: boolean;
  downloadFaultUsed: boolean;
  audio?: Uint8Array;
}

class Simulator {
  readonly #options: Ai302SimulatorOptions;
  readonly #faults: Ai302FaultPicker;
  readonly #closing = new AbortController();
  readonly #requests: RecordedRequest[] = [];
  readonly #tasks: TaskState[] = [];
  readonly #byId = new Map<string, TaskState>();
  readonly #logged = new WeakSet<RecordedRequest>();
  readonly #watchers: { predicate: () => boolean; resolve: () => void }[] = [];
  readonly #extraKeys = new Set<string>();
  readonly #clonePath: string;
  readonly #generatePath: string;
  readonly #cloneQueryPath: string;
  readonly #generateQueryPath: string;
  readonly #badTakes = emptyBadTakeCounts();
  #takeFaults: TakeFaultPlan | undefined;
  #behaviour: Ai302Behaviour;
  #url = '';
  #requestCount = 0;
  #createCount = 0;
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => {
      this.#options.log?.(`simulator error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { message: 'simulator error' } });
      else res.destroy();
    });
  });

  constructor(options: Ai302SimulatorOptions) {
    this.#options = options;
    this.#behaviour = {
      shape: options.shape ?? DEFAULT_BEHAVIOUR.shape,
      statusWords: { ...DEFAULT_BEHAVIOUR.statusWords, ...options.statusWords },
      urlField: options.urlField ?? DEFAULT_BEHAVIOUR.urlField,
      taskIdField: options.taskIdField ?? DEFAULT_BEHAVIOUR.taskIdField,
      resultFormat: options.resultFormat ?? DEFAULT_BEHAVIOUR.resultFormat,
      stageMs: options.stageMs ?? DEFAULT_BEHAVIOUR.stageMs,
      unknownTask: options.unknownTask ?? DEFAULT_BEHAVIOUR.unknownTask,
    };
    this.#clonePath = options.clonePath ?? DEFAULT_CLONE_PATH;
    this.#generatePath = options.generatePath ?? DEFAULT_GENERATE_PATH;
    this.#cloneQueryPath = options.cloneQueryPath ?? DEFAULT_CLONE_QUERY_PATH;
    this.#generateQueryPath = options.generateQueryPath ?? DEFAULT_GENERATE_QUERY_PATH;
    this.#faults = new Ai302FaultPicker(faultPlanOf(options));
    this.#takeFaults = options.takeFaults;
  }

  async listen(port: number, host: string): Promise<Ai302Simulator> {
    const address = await listen(this.#server, port, host);
    this.#url = `http://${address.urlHost}:${address.port}`;
    const simulator: Ai302Simulator = {
      url: this.#url,
      port: address.port,
      clonePath: this.#clonePath,
      generatePath: this.#generatePath,
      cloneQueryPath: this.#cloneQueryPath,
      generateQueryPath: this.#generateQueryPath,
      requests: this.#requests,
      tasks: this.#tasks,
      setFaults: (plan) => this.#faults.set(plan),
      setTakeFaults: (plan) => {
        this.#takeFaults = plan;
      },
      badTakes: this.#badTakes,
      acceptKey: (key) => this.#extraKeys.add(key),
      configure: (behaviour) => {
        this.#behaviour = { ...this.#behaviour, ...behaviour, statusWords: { ...this.#behaviour.statusWords, ...behaviour.statusWords } };
      },
      tasksFor: (text) => this.#tasks.filter((task) => task.text === text),
      peakTasksInFlight: () => this.#peakInFlight(),
      until: (predicate) =>
        new Promise<void>((resolve) => {
          const check = () => predicate(simulator);
          if (check()) resolve();
          else this.#watchers.push({ predicate: check, resolve });
        }),
      close: () => this.#close(),
    };
    return simulator;
  }

  async #close(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const { call, kind } = this.#route(method, url.pathname);
    const record: RecordedRequest = {
      number: (this.#requestCount += 1),
      at: Date.now(),
      call,
      method,
      path: url.pathname,
      authorized: false,
    };
    this.#record(record);
    res.on('close', () => this.#finish(record, res.writableFinished ? (record.outcome ?? 'ok') : 'client-closed'));
    const gone = AbortSignal.any([this.#closing.signal, closeSignal(res)]);
    switch (call) {
      case 'download':
        await this.#download(url.pathname.slice(FILES_PREFIX.length), record, res, gone);
        return;
      case 'create':
        await this.#create(kind ?? 'generate', req, record, res, gone);
        return;
      case 'query':
        await this.#query(kind ?? 'generate', url.searchParams.get('task_id'), req, record, res, gone);
        return;
      case 'unknown':
        // No such route: what a web server or gateway answers, not the API (no JSON, nothing
        // naming a task), so it cannot pass for an unknown task.
        this.#plain(record, res, 404, '404 page not found', 'rejected');
    }
  }

  /** Which call a method and path are: create is POST on a create path, query is GET on a query path. */
  #route(method: string, path: string): { call: Ai302Call | 'unknown'; kind?: 'clone' | 'generate' } {
    if (method === 'GET' && path.startsWith(FILES_PREFIX)) return { call: 'download' };
    if (method === 'POST' && path === this.#clonePath) return { call: 'create', kind: 'clone' };
    if (method === 'POST' && path === this.#generatePath) return { call: 'create', kind: 'generate' };
    if (method === 'GET' && path === this.#cloneQueryPath) return { call: 'query', kind: 'clone' };
    if (method === 'GET' && path === this.#generateQueryPath) return { call: 'query', kind: 'generate' };
    return { call: 'unknown' };
  }

  async #create(
    kind: 'clone' | 'generate',
    req: IncomingMessage,
    record: RecordedRequest,
    res: ServerResponse,
    gone: AbortSignal,
  ): Promise<void> {
    const raw = await readBody(req, MAX_BODY_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(raw ?? '') as unknown;
    } catch {
      body = undefined;
    }
    const createNumber = (this.#createCount += 1);
    const picked = this.#faults.pick(createNumber, body);
    if (picked) record.fault = picked.kind;
    let fault = picked;
    if (fault?.kind === 'slowFirstByte' && fault.on === 'create' && !(await pause(fault.delayMs, gone))) return;
    if (fault?.kind === 'reset' && fault.on === 'create') {
      this.#finish(record, 'faulted');
      req.socket.destroy();
      return;
    }
    if (!this.#authorize(req, record, res)) return;
    if (fault?.kind === 'auth401') {
      this.#error(record, res, 401, 401, 'Invalid API key', 'faulted');
      return;
    }
    if (fault?.kind === 'http429' && fault.on === 'create') {
      this.#rateLimited(record, res, fault.retryAfter);
      return;
    }
    if (fault?.kind === 'http5xx' && fault.on === 'create') {
      this.#serverError(record, res, fault.status);
      return;
    }
    if (fault?.kind === 'business') {
      record.httpStatus = 200;
      this.#finish(record, 'faulted');
      sendJson(res, 200, { code: fault.code, msg: fault.message ?? `error ${fault.code}`, data: null });
      return;
    }
    if (body === undefined) {
      this.#invalid(record, res, raw === undefined ? `body over ${MAX_BODY_BYTES} bytes` : 'body is not JSON');
      return;
    }
    const validation = validateCreate(kind, body, this.#options.maxChars);
    if (!validation.ok) {
      this.#invalid(record, res, validation.message);
      return;
    }
    fault ??= this.#takeFault(createNumber, validation.request.text);
    const task: TaskState = {
      number: this.#tasks.length + 1,
      id: randomUUID(),
      kind,
      text: validation.request.text,
      request: validation.request,
      createdAt: Date.now(),
      queries: 0,
      usageCharacters: usageCharacters(validation.request.text),
      completedDownloads: 0,
      queryFaultUsed: false,
      downloadFaultUsed: false,
      ...(fault === undefined ? {} : { fault: fault.kind, faultSpec: fault }),
    };
    this.#tasks.push(task);
    this.#byId.set(task.id, task);
    this.#trim();
    record.taskId = task.id;
    if (fault?.kind === 'dropAnswer') {
      // The task exists (and is paid for), but its answer never reaches the client.
      this.#finish(record, 'faulted');
      req.socket.destroy();
      return;
    }
    this.#ok(record, res, {
      [this.#behaviour.taskIdField]: task.id,
      status: this.#behaviour.statusWords.pending,
      created_at: new Date(task.createdAt).toISOString(),
    });
  }

  async #query(
    kind: 'clone' | 'generate',
    id: string | null,
    req: IncomingMessage,
    record: RecordedRequest,
    res: ServerResponse,
    gone: AbortSignal,
  ): Promise<void> {
    const task = id === null ? undefined : this.#byId.get(id);
    if (task) record.taskId = task.id;
    const spec = task?.faultSpec;
    const oneShot = task !== undefined && !task.queryFaultUsed && spec !== undefined && 'on' in spec && spec.on === 'query';
    if (oneShot) {
      task.queryFaultUsed = true;
      record.fault = spec.kind;
      if (spec.kind === 'slowFirstByte' && !(await pause(spec.delayMs, gone))) return;
      if (spec.kind === 'reset') {
        this.#finish(record, 'faulted');
        req.socket.destroy();
        return;
      }
    }
    const latency = this.#options.queryLatencyMs ?? 0;
    if (latency > 0 && !(await pause(latency, gone))) return;
    if (!this.#authorize(req, record, res)) return;
    if (oneShot && spec.kind === 'http429') {
      this.#rateLimited(record, res, spec.retryAfter);
      return;
    }
    if (oneShot && spec.kind === 'http5xx') {
      this.#serverError(record, res, spec.status);
      return;
    }
    if (id === null || id === '') {
      this.#invalid(record, res, 'task_id is required');
      return;
    }
    // Each family keeps its own tasks: a clone task is unknown on the generation path.
    if (task === undefined || task.kind !== kind) {
      this.#unknownTask(record, res, id);
      return;
    }
    const stage = this.#stageOf(task, Date.now());
    task.queries += 1;
    task.lastReported = stage;
    const words = this.#behaviour.statusWords;
    const payload: Record<string, unknown> = {
      [this.#behaviour.taskIdField]: task.id,
      status: words[stage],
      created_at: new Date(task.createdAt).toISOString(),
    };
    if (stage === 'success') {
      setPath(payload, this.#behaviour.urlField, `${this.#url}${FILES_PREFIX}${task.id}.wav`);
      payload.usage = { characters: task.usageCharacters };
    }
    if (stage === 'failed') {
      payload.error = task.faultSpec?.kind === 'taskFails' ? (task.faultSpec.message ?? 'generation failed') : 'generation failed';
    }
    this.#ok(record, res, payload);
  }

  async #download(name: string, record: RecordedRequest, res: ServerResponse, gone: AbortSignal): Promise<void> {
    const id = name.replace(/\.wav$/, '');
    const task = this.#byId.get(id);
    record.taskId = id;
    if (task === undefined || this.#stageOf(task, Date.now()) !== 'success') {
      this.#plain(record, res, 404, 'Not Found', 'rejected');
      return;
    }
    const spec = task.faultSpec;
    const persistent = spec?.kind === 'url404' && spec.always === true;
    const oneShot =
      (!task.downloadFaultUsed || persistent) &&
      spec !== undefined &&
      (spec.kind === 'url404' || spec.kind === 'cutDownload' || (spec.kind === 'slowFirstByte' && spec.on === 'download'));
    if (oneShot) {
      task.downloadFaultUsed = true;
      record.fault = spec.kind;
      if (spec.kind === 'url404') {
        this.#plain(record, res, 404, 'Not Found', 'faulted');
        return;
      }
      if (spec.kind === 'slowFirstByte' && !(await pause(spec.delayMs, gone))) return;
    }
    task.audio ??= this.#makeAudio(task);
    const audio = task.audio;
    res.writeHead(200, {
      'content-type': 'audio/wav',
      'content-length': audio.length,
      'content-disposition': `attachment; filename="${task.id}.wav"`,
    });
    record.httpStatus = 200;
    if (oneShot && spec.kind === 'cutDownload') {
      const cutAt = Math.max(1, Math.floor(audio.length * (spec.fraction ?? 0.5)));
      await write(res, Buffer.from(audio.buffer, audio.byteOffset, cutAt));
      this.#finish(record, 'faulted');
      res.destroy();
      return;
    }
    // A few writes, as a CDN would send it, so a client reading the head sees a partial first chunk.
    const piece = Math.max(1024, Math.ceil(audio.length / 4));
    for (let start = 0; start < audio.length; start += piece) {
      if (!(await write(res, Buffer.from(audio.buffer, audio.byteOffset + start, Math.min(piece, audio.length - start))))) return;
    }
    task.completedDownloads += 1;
    this.#finish(record, 'ok');
    res.end();
  }

  /** The `takeFaults` plan's word on a task no other fault touches. */
  #takeFault(createNumber: number, text: string): Ai302Fault | undefined {
    const take = this.#takeFaults?.({ text, number: createNumber });
    return take === undefined || take === null ? undefined : { kind: 'badTake', ...take };
  }

  #makeAudio(task: TaskState): Uint8Array {
    if (task.faultSpec?.kind === 'badAudio') return badTaskAudio(task.text, task.faultSpec.variant);
    if (task.faultSpec?.kind === 'badTake') {
      const { variant } = task.faultSpec;
      const audio = badTakeTaskAudio(
        task.text,
        this.#options.msPerChar ?? 60,
        this.#behaviour.resultFormat,
        this.#options.tone ?? 'per-text',
        task.faultSpec,
      );
      this.#badTakes[variant] += 1;
      task.badTake = variant;
      if (audio.spokenInstead !== undefined) task.spokenInstead = audio.spokenInstead;
      task.audioBytes = audio.bytes.length;
      task.durationMs = audio.durationMs;
      return audio.bytes;
    }
    const audio = taskAudio(task.text, this.#options.msPerChar ?? 60, this.#behaviour.resultFormat, this.#options.tone);
    task.audioBytes = audio.bytes.length;
    task.durationMs = audio.durationMs;
    if (audio.sentenceStartsMs !== undefined) task.sentenceStartsMs = audio.sentenceStartsMs;
    if (audio.sentenceTexts !== undefined) task.sentenceTexts = audio.sentenceTexts;
    return audio.bytes;
  }

  #stageOf(task: TaskState, now: number): TaskStage {
    const elapsed = now - task.createdAt;
    const { stageMs } = this.#behaviour;
    if (elapsed < stageMs) return 'pending';
    if (task.faultSpec?.kind === 'neverFinishes' || elapsed < 2 * stageMs) return 'processing';
    return task.faultSpec?.kind === 'taskFails' ? 'failed' : 'success';
  }

  #peakInFlight(): number {
    const span = 2 * this.#behaviour.stageMs;
    let peak = 0;
    for (const task of this.#tasks) {
      const running = this.#tasks.filter(
        (other) =>
          other.createdAt <= task.createdAt && (other.faultSpec?.kind === 'neverFinishes' || task.createdAt < other.createdAt + span),
      ).length;
      peak = Math.max(peak, running);
    }
    return peak;
  }

  #authorize(req: IncomingMessage, record: RecordedRequest, res: ServerResponse): boolean {
    const key = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    record.authorized = key !== undefined && (key === (this.#options.apiKey ?? 'test-key') || this.#extraKeys.has(key));
    if (!record.authorized) this.#error(record, res, 401, 401, 'Invalid API key', 'rejected');
    return record.authorized;
  }

  #ok(record: RecordedRequest, res: ServerResponse, payload: Record<string, unknown>): void {
    record.httpStatus = 200;
    record.outcome = 'ok';
    sendJson(res, 200, this.#behaviour.shape === 'wrapped' ? { code: 0, msg: 'success', data: payload } : payload);
  }

  /** A parameter error: flat → HTTP 400 with an error object; wrapped → HTTP 200 with a failing code. */
  #invalid(record: RecordedRequest, res: ServerResponse, message: string): void {
    if (this.#behaviour.shape === 'wrapped') {
      record.httpStatus = 200;
      record.outcome = 'rejected';
      sendJson(res, 200, { code: 400, msg: message, data: null });
      return;
    }
    this.#error(record, res, 400, -10001, message, 'rejected');
  }

  /** A query for a task id this route does not know, in the variant chosen (see Ai302Behaviour.unknownTask). */
  #unknownTask(record: RecordedRequest, res: ServerResponse, id: string): void {
    const message = `task ${id} not found`;
    if (this.#behaviour.unknownTask === 'business') {
      record.httpStatus = 200;
      record.outcome = 'rejected';
      sendJson(res, 200, { code: 404, msg: message, data: null });
      return;
    }
    this.#error(record, res, 404, 404, message, 'rejected');
  }

  #rateLimited(record: RecordedRequest, res: ServerResponse, retryAfter: number | string | undefined): void {
    if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
    this.#error(record, res, 429, 429, 'Too many requests', 'faulted');
  }

  #serverError(record: RecordedRequest, res: ServerResponse, status: number): void {
    if (status === 502 || status === 504) {
      // What a gateway in front of the API answers: HTML, no JSON.
      record.httpStatus = status;
      record.outcome = 'faulted';
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Gateway Time-out'}</h1></body></html>`);
      return;
    }
    this.#error(record, res, status, status, 'internal server error', 'faulted');
  }

  /** An error in the current shape: `{error: {err_code, message}}` flat, `{code, msg, data: null}` wrapped. */
  #error(record: RecordedRequest, res: ServerResponse, httpStatus: number, code: number, message: string, outcome: RequestOutcome): void {
    record.httpStatus = httpStatus;
    record.outcome = outcome;
    const body =
      this.#behaviour.shape === 'wrapped' ? { code, msg: message, data: null } : { error: { err_code: code, message, type: 'api_error' } };
    sendJson(res, httpStatus, body);
  }

  #plain(record: RecordedRequest, res: ServerResponse, status: number, text: string, outcome: RequestOutcome): void {
    record.httpStatus = status;
    record.outcome = outcome;
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  #record(record: RecordedRequest): void {
    this.#requests.push(record);
    this.#trim();
    this.#notify();
  }

  #trim(): void {
    const max = this.#options.maxRecorded;
    if (max === undefined) return;
    if (this.#requests.length > max) this.#requests.splice(0, this.#requests.length - max);
    if (this.#tasks.length > max) {
      for (const dropped of this.#tasks.splice(0, this.#tasks.length - max)) this.#byId.delete(dropped.id);
    }
  }

  /** Sets the outcome unless one was set already, logs the request once, and wakes `until` waiters. */
  #finish(record: RecordedRequest, outcome: RequestOutcome): void {
    record.outcome ??= outcome;
    if (this.#logged.has(record)) return;
    this.#logged.add(record);
    this.#options.log?.(
      `#${record.number} ${record.call} ${record.method} ${record.path} -> ${record.httpStatus ?? '-'} ${record.outcome}` +
        `${record.fault ? ` (fault ${record.fault})` : ''}${record.taskId ? ` task ${record.taskId}` : ''}`,
    );
    this.#notify();
  }

  #notify(): void {
    for (let i = this.#watchers.length - 1; i >= 0; i -= 1) {
      const watcher = this.#watchers[i];
      if (watcher?.predicate()) {
        this.#watchers.splice(i, 1);
        watcher.resolve();
      }
    }
  }
}

/** Sets `path` (dotted) in `target`, creating objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.');
  let current = target;
  for (const step of steps.slice(0, -1)) {
    const next = current[step];
    if (typeof next === 'object' && next !== null) current = next as Record<string, unknown>;
    else current = current[step] = {};
  }
  current[steps.at(-1) ?? path] = value;
}
