import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateSenseAudioAudio, generateSenseAudioBadTake, wordCount, type SimAudio, type SimTone } from '../senseaudio/audio.ts';
import { closeSignal, pause, readBody, sendJson, writeText } from '../shared/http-io.ts';
import { frameEvent, type SseStyle } from '../shared/sse-frames.ts';
import { AudioLinkStore } from './audio-links.ts';
import { FaultPicker, type FaultPlan, type RandomFaults, type SenseNovaFault, type SenseNovaFaultKind } from './faults.ts';
import { verifyJwt, type JwtClaims } from './jwt-verify.ts';
import { validateRequest, type SimAudioRequest, type SimRequest } from './validate-request.ts';
import { DOCUMENTED_VOICES } from './voices.ts';
import { faultPlanOf } from '../shared/fault-picker.ts';
import { listen } from '../shared/listen.ts';
import { Waiters } from '../shared/waiters.ts';
import { emptyBadTakeCounts, type BadTakeCounts, type BadTakeVariant, type TakeFaultPlan } from '../shared/take-faults.ts';

export interface SenseNovaSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The static key accepted as `Authorization: Bearer <key>`; default 'test-key'; null accepts none. */
  apiKey?: string | null;
  /** An AccessKey pair whose HS256 JWTs are accepted (iss, exp, nbf and signature checked). */
  accessKey?: { id: string; secret: string };
  /** The simulator's clock (epoch ms), for JWT exp/nbf and link expiry; default Date.now. */
  now?: () => number;
  /** Models accepted; default the documented one. */
  models?: readonly string[];
  /** Voice ids accepted; default the documented list; null accepts any. */
  voices?: readonly string[] | null;
  /** Longest input in code points (the real limit is undocumented); default 2,000. */
  maxInputChars?: number;
  /** Speech per spoken character; default 60 ms. Tests use 2–5 ms to keep encoding cheap. */
  msPerChar?: number;
  /** mp3 with an ID3v2 tag and a LAME Info frame like real providers (default true). */
  mp3Tags?: boolean;
  /**
   * What the speech sounds like, as the SenseAudio simulator's (SimTone, same generator): default
   * `per-text`; `sentences` gives known sentence boundaries (../shared/sentence-tones.ts), each
   * request recording where its sentences start (`sentenceStartsMs`).
   */
  tone?: SimTone;
  /** Inline audio as hex (default) or `base64:`-prefixed base64 (the documentation shows both). */
  encoding?: 'hex' | 'base64';
  /** Audio bytes per status-1 event (default 4096). */
  chunkBytes?: number;
  /**
   * What the status-2 event carries: 'aggregate' (default) the whole audio again, as SenseAudio
   * does; 'last-chunk' the last piece; 'empty' no audio.
   */
  finalAudio?: 'aggregate' | 'last-chunk' | 'empty';
  /** Pause between SSE events (default 0). */
  eventIntervalMs?: number;
  sse?: Omit<SseStyle, 'done'>;
  /** How error bodies look (UNCONFIRMED): {error:{code,message}} (default), {code,message}, or plain text. */
  errorStyle?: 'error-object' | 'message' | 'text';
  /** How long a url-mode link stays valid (default 60 s). */
  linkTtlMs?: number;
  /** Deterministic faults: a list consumed in order, or a function of (requestNumber, body). */
  faults?: FaultPlan;
  /** Random faults instead: this share of requests (seeded PRNG, so runs repeat). */
  faultRate?: number;
  seed?: number;
  faultKinds?: readonly SenseNovaFault[];
  /**
   * Bad takes (../shared/take-faults.ts, e.g. randomBadTakes): asked with the request's input for
   * every valid request the fault plan left alone; what it names is sent as a `badTake` fault.
   */
  takeFaults?: TakeFaultPlan;
  /** Keep at most this many records (oldest dropped); default unlimited. */
  maxRecorded?: number;
  /** One line per finished request (the CLI prints them). */
  log?: (line: string) => void;
}

/**
 * completed: the whole answer went out; rejected: 401 or a parameter error; faulted: an injected
 * failure; client-closed: the client went away first.
 */
export type RequestOutcome = 'completed' | 'rejected' | 'faulted' | 'client-closed';

/** What the simulator saw and did for one POST /audio/speech_fusion. */
export interface RecordedRequest {
  /** 1-based, in arrival order. */
  number: number;
  /** Epoch milliseconds (simulator clock) at arrival. */
  at: number;
  /** Which TCP connection carried it (1-based). */
  connection: number;
  auth: 'api-key' | 'jwt' | 'none' | 'refused';
  authorized: boolean;
  /** Why the credentials were refused, when they were. */
  authProblem?: string;
  /** The Bearer token as sent (JWT mode), so tests can compare tokens across requests. */
  token?: string;
  jwt?: JwtClaims;
  model?: string;
  text?: string;
  voice?: string;
  stream?: boolean;
  outputFormat?: string;
  /** timbre_weights exactly as received. */
  timbreWeights?: unknown;
  /** `language` exactly as received (absent: the server's ZH default applies). */
  language?: unknown;
  voiceSetting?: Record<string, unknown>;
  audioSetting?: SimAudioRequest;
  fault?: SenseNovaFaultKind;
  /** A `badTake` fault: what was wrong with the audio sent, and for `otherText` the text it spoke. */
  badTake?: BadTakeVariant;
  spokenInstead?: string;
  httpStatus?: number;
  /** The message of a refusal (400, 401). */
  errorMessage?: string;
  traceId: string;
  /** The generated audio: its size, sha256 (hex) and duration. */
  audioBytes?: number;
  audioSha256?: string;
  durationMs?: number;
  bitrate?: number;
  /** tone `sentences`: where each sentence's burst starts, ms into this answer's audio. */
  sentenceStartsMs?: number[];
  /** tone `sentences`: the sentences those starts are of (the shared rule over the input). */
  sentenceTexts?: string[];
  /** extra_info.usage_characters as reported. */
  usageCharacters?: number;
  /** SSE events written (status 1 and 2; [DONE] not counted). */
  eventsSent: number;
  /** url mode: the link handed out, and how often it was fetched. */
  link?: string;
  downloads: number;
  /** Downloads that carried an Authorization header (a client must not send its token to storage). */
  downloadsWithAuthorization: number;
  outcome?: RequestOutcome;
}

export interface SenseNovaSimulator {
  /** Base URL to give the client (SENSENOVA_BASE_URL), e.g. http://127.0.0.1:41234/v1 */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  setFaults(plan: FaultPlan | RandomFaults | undefined): void;
  /** Replaces the `takeFaults` plan (undefined: no more bad takes from it). */
  setTakeFaults(plan: TakeFaultPlan | undefined): void;
  /** Bad takes sent so far, per variant (a live object), from the fault plan and `takeFaults` alike. */
  readonly badTakes: Readonly<BadTakeCounts>;
  /** Resolves once request `number` has arrived and been read. */
  whenRequest(number: number): Promise<RecordedRequest>;
  /** Resolves once request `number` has an outcome. */
  whenFinished(number: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['SenseNova-Audio-Fusion-0603'];
const BASE_PATH = '/v1';
const PATH = `${BASE_PATH}/audio/speech_fusion`;
const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPES = { mp3: 'audio/mpeg', wav: 'audio/wav', pcm: 'audio/L16' } as const;
/** gRPC-style codes in error bodies, as SenseNova's platform APIs answer (a guess: UNCONFIRMED). */
const ERROR_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 429: 8, 500: 13, 503: 14 };

/** Starts a SenseNova speech fusion v2 simulator speaking the documented protocol on a real socket. */
export async function startSenseNovaSimulator(options: SenseNovaSimulatorOptions = {}): Promise<SenseNovaSimulator> {
  const simulator = new Simulator(options);
  return simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
}

class Simulator {
  readonly #options: SenseNovaSimulatorOptions;
  readonly #faults: FaultPicker;
  readonly #links = new AudioLinkStore();
  readonly #closing = new AbortController();
  readonly #requests: RecordedRequest[] = [];
  readonly #arrived = new Waiters<RecordedRequest>();
  readonly #finished = new Waiters<RecordedRequest>();
  readonly #now: () => number;
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => {
      this.#options.log?.(`simulator error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 13, message: 'simulator error' } });
      else res.destroy();
    });
  });
  readonly #badTakes = emptyBadTakeCounts();
  #takeFaults: TakeFaultPlan | undefined;
  #origin = '';
  #count = 0;
  #connections = 0;
  readonly #connectionIds = new WeakMap<object, number>();

  constructor(options: SenseNovaSimulatorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#faults = new FaultPicker(faultPlanOf(options));
    this.#takeFaults = options.takeFaults;
    this.#server.on('connection', (socket) => {
      // SSE wants each event on the wire as soon as it is written.
      socket.setNoDelay(true);
      this.#connectionIds.set(socket, (this.#connections += 1));
    });
  }

  async listen(port: number, host: string): Promise<SenseNovaSimulator> {
    const address = await listen(this.#server, port, host);
    this.#origin = `http://${address.urlHost}:${address.port}`;
    return {
      url: `${this.#origin}${BASE_PATH}`,
      port: address.port,
      requests: this.#requests,
      setFaults: (plan) => this.#faults.set(plan),
      setTakeFaults: (plan) => {
        this.#takeFaults = plan;
      },
      badTakes: this.#badTakes,
      whenRequest: (number) => this.#arrived.wait(number, this.#find(number)),
      whenFinished: (number) => {
        const record = this.#find(number);
        return this.#finished.wait(number, record?.outcome === undefined ? undefined : record);
      },
      close: () => this.#close(),
    };
  }

  #find(number: number): RecordedRequest | undefined {
    return this.#requests.find((record) => record.number === number);
  }

  async #close(): Promise<void> {
    this.#closing.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      await this.#download(url, req, res);
      return;
    }
    if (url.pathname !== PATH) {
      sendJson(res, 404, { error: { code: 5, message: `no route ${url.pathname}` } });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { error: { code: 12, message: 'method not allowed' } });
      return;
    }
    const number = (this.#count += 1);
    const record: RecordedRequest = {
      number,
      at: this.#now(),
      connection: this.#connectionIds.get(req.socket) ?? 0,
      auth: 'none',
      authorized: false,
      traceId: randomBytes(16).toString('hex'),
      eventsSent: 0,
      downloads: 0,
      downloadsWithAuthorization: 0,
    };
    const rawBody = await readBody(req, MAX_BODY_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(rawBody ?? '') as unknown;
    } catch {
      body = undefined;
    }
    describeBody(record, body);
    this.#checkAuth(record, req.headers.authorization);
    const fault = this.#faults.pick(number, body);
    if (fault) record.fault = fault.kind;
    this.#record(record);
    const gone = AbortSignal.any([this.#closing.signal, closeSignal(res)]);
    res.on('close', () => {
      if (record.outcome === undefined) this.#finish(record, res.writableFinished ? 'completed' : 'client-closed');
    });

    if (fault?.kind === 'reset') {
      this.#finish(record, 'faulted');
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slowFirstByte' && !(await pause(fault.delayMs, gone))) return;
    if (!record.authorized) {
      this.#error(record, res, 401, record.authProblem ?? 'unauthorized', 'rejected');
      return;
    }
    if (fault?.kind === 'auth401') {
      this.#error(record, res, 401, 'invalid api key', 'faulted');
      return;
    }
    if (fault?.kind === 'jwtExpired') {
      this.#error(record, res, 401, 'token expired', 'faulted');
      return;
    }
    if (fault?.kind === 'http429') {
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
      this.#error(record, res, 429, 'rate limit exceeded, please try again later', 'faulted');
      return;
    }
    if (fault?.kind === 'http5xx') {
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
      this.#serverError(record, res, fault.status);
      return;
    }
    if (rawBody === undefined || body === undefined) {
      this.#error(record, res, 400, rawBody === undefined ? `body over ${MAX_BODY_BYTES} bytes` : 'body is not JSON', 'rejected');
      return;
    }
    const validation = validateRequest(body, {
      models: this.#options.models ?? DEFAULT_MODELS,
      voices: this.#options.voices === null ? undefined : (this.#options.voices ?? DOCUMENTED_VOICES),
      maxInputChars: this.#options.maxInputChars ?? 2000,
    });
    if (!validation.ok) {
      this.#error(record, res, 400, validation.message, 'rejected');
      return;
    }
    if (fault?.kind === 'error200') {
      record.httpStatus = 200;
      record.errorMessage = fault.message ?? 'internal error';
      this.#finish(record, 'faulted');
      sendJson(res, 200, { error: { code: fault.code ?? 13, message: record.errorMessage, details: [] }, trace_id: record.traceId });
      return;
    }
    await this.#synthesize(record, res, validation.request, fault ?? this.#takeFault(record, validation.request.input), gone);
  }

  /** The `takeFaults` plan's word on a request no other fault touches. */
  #takeFault(record: RecordedRequest, text: string): SenseNovaFault | undefined {
    const take = this.#takeFaults?.({ text, number: record.number });
    if (take === undefined || take === null) return undefined;
    record.fault = 'badTake';
    return { kind: 'badTake', ...take };
  }

  #checkAuth(record: RecordedRequest, header: string | undefined): void {
    const token = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
    if (token === undefined) {
      record.authProblem = 'missing Authorization: Bearer header';
      return;
    }
    const apiKey = this.#options.apiKey === undefined ? 'test-key' : this.#options.apiKey;
    if (apiKey !== null && token === apiKey) {
      record.auth = 'api-key';
      record.authorized = true;
      return;
    }
    const accessKey = this.#options.accessKey;
    if (accessKey && token.split('.').length === 3) {
      record.token = token;
      const check = verifyJwt(token, accessKey.id, accessKey.secret, Math.floor(this.#now() / 1000));
      if (check.claims) record.jwt = check.claims;
      record.auth = check.ok ? 'jwt' : 'refused';
      record.authorized = check.ok;
      if (!check.ok) record.authProblem = check.reason;
      return;
    }
    record.auth = 'refused';
    record.authProblem = 'invalid api key';
  }

  async #synthesize(
    record: RecordedRequest,
    res: ServerResponse,
    request: SimRequest,
    fault: SenseNovaFault | undefined,
    gone: AbortSignal,
  ): Promise<void> {
    // The page documents no pause syntax: a `<break time=500>` is text like any other, read aloud
    // and billed. The shared generator would honour it (SenseAudio's rule), so it never sees one.
    const readAloud = request.input.replaceAll('<', '\uFF1C');
    const audioOptions = {
      msPerChar: this.#options.msPerChar ?? 60,
      mp3Tags: this.#options.mp3Tags ?? true,
      ...(this.#options.tone === undefined ? {} : { tone: this.#options.tone }),
    };
    const audio: SimAudio =
      fault?.kind === 'badTake'
        ? this.#badTake(record, generateSenseAudioBadTake(readAloud, request.audio, audioOptions, fault), fault.variant)
        : generateSenseAudioAudio(readAloud, request.audio, audioOptions);
    const bytes = Buffer.from(audio.bytes.buffer, audio.bytes.byteOffset, audio.bytes.byteLength);
    record.audioBytes = bytes.length;
    record.audioSha256 = createHash('sha256').update(bytes).digest('hex');
    record.durationMs = audio.durationMs;
    record.bitrate = audio.bitrate;
    if (audio.sentenceStartsMs !== undefined) record.sentenceStartsMs = audio.sentenceStartsMs;
    if (audio.sentenceTexts !== undefined) record.sentenceTexts = audio.sentenceTexts;
    // The documented example bills 12 for 12 characters, Chinese included: code points, every one.
    record.usageCharacters = [...request.input].length;
    const extraInfo = {
      length: audio.durationMs,
      size: bytes.length,
      sample_rate: request.audio.sampleRate,
      channel: request.audio.channels,
      bitrate: request.audio.format === 'mp3' ? audio.bitrate : 0,
      response_format: request.audio.format,
      usage_characters: record.usageCharacters,
      word_count: wordCount(readAloud),
    };
    if (request.outputFormat === 'url') {
      const { path } = this.#links.add({
        bytes,
        contentType: CONTENT_TYPES[request.audio.format],
        expiresAt: this.#now() + (this.#options.linkTtlMs ?? 60_000),
        requestNumber: record.number,
        ...(fault?.kind === 'urlGone' || fault?.kind === 'cutDownload' ? { fault } : {}),
      });
      record.link = `${this.#origin}${path}`;
      await this.#sendOneShot(
        record,
        res,
        { data: { audio: record.link, status: 2 }, trace_id: record.traceId, extra_info: extraInfo },
        fault,
        gone,
      );
      return;
    }
    if (!request.stream) {
      await this.#sendOneShot(
        record,
        res,
        { data: { audio: this.#encode(bytes), status: 2 }, trace_id: record.traceId, extra_info: extraInfo },
        fault,
        gone,
      );
      return;
    }
    await this.#sendStream(record, res, bytes, extraInfo, fault, gone);
  }

  /** Counts a bad take and notes it on its record. */
  #badTake(record: RecordedRequest, audio: SimAudio & { spokenInstead?: string }, variant: BadTakeVariant): SimAudio {
    this.#badTakes[variant] += 1;
    record.badTake = variant;
    if (audio.spokenInstead !== undefined) record.spokenInstead = audio.spokenInstead;
    return audio;
  }

  async #sendStream(
    record: RecordedRequest,
    res: ServerResponse,
    bytes: Buffer,
    extraInfo: Record<string, number | string>,
    fault: SenseNovaFault | undefined,
    gone: AbortSignal,
  ): Promise<void> {
    const chunkBytes = Math.max(1, this.#options.chunkBytes ?? 4096);
    const pieces: Buffer[] = [];
    for (let start = 0; start < bytes.length; start += chunkBytes) pieces.push(bytes.subarray(start, start + chunkBytes));
    const finalAudio = this.#options.finalAudio ?? 'aggregate';
    const last = finalAudio === 'last-chunk' ? pieces.pop() : undefined;
    const zeros = { length: 0, size: 0, sample_rate: 0, channel: 0, bitrate: 0, response_format: '', usage_characters: 0, word_count: 0 };
    const badAt = fault?.kind === 'badChunk' ? Math.min(fault.atEvent ?? 0, Math.max(0, pieces.length - 1)) : -1;
    const events: object[] = pieces.map((piece, index) => ({
      // Odd-length text with non-hex letters and no base64: prefix: readable as nothing.
      data: { audio: index === badAt ? `zz${piece.toString('hex')}q` : this.#encode(piece), status: 1 },
      trace_id: record.traceId,
      extra_info: zeros,
    }));
    const finalPiece = finalAudio === 'aggregate' ? bytes : (last ?? Buffer.alloc(0));
    events.push({
      data: { audio: finalPiece.length === 0 ? '' : this.#encode(finalPiece), status: 2 },
      trace_id: record.traceId,
      extra_info: extraInfo,
    });

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': record.traceId });
    record.httpStatus = 200;
    const stopAfter =
      fault?.kind === 'cutStream' || fault?.kind === 'stallStream' || fault?.kind === 'doneEarly'
        ? Math.min(fault.afterEvents, pieces.length)
        : Number.POSITIVE_INFINITY;
    const style = this.#options.sse ?? {};
    for (const [index, event] of events.entries()) {
      if (index >= stopAfter) break;
      if (index > 0 && (this.#options.eventIntervalMs ?? 0) > 0 && !(await pause(this.#options.eventIntervalMs ?? 0, gone))) return;
      if (!(await writeText(res, frameEvent(event, style), undefined))) return;
      record.eventsSent += 1;
      // The client stops at the bad chunk; the request is faulted whatever it does next.
      if (index === badAt) this.#finish(record, 'faulted');
    }
    if (fault?.kind === 'cutStream') {
      this.#finish(record, 'faulted');
      res.destroy();
      return;
    }
    if (fault?.kind === 'stallStream') {
      // Hold the socket open and silent until the client gives up or the simulator closes.
      await pause(Number.POSITIVE_INFINITY, gone);
      this.#finish(record, 'faulted');
      res.destroy();
      return;
    }
    if (fault?.kind === 'noDone') {
      this.#finish(record, 'faulted');
      res.end();
      return;
    }
    const lineEnding = style.lineEnding ?? '\n';
    if (!(await writeText(res, `data: [DONE]${lineEnding}${lineEnding}`, undefined))) return;
    this.#finish(record, fault?.kind === 'doneEarly' ? 'faulted' : 'completed');
    res.end();
  }

  async #sendOneShot(
    record: RecordedRequest,
    res: ServerResponse,
    answer: object,
    fault: SenseNovaFault | undefined,
    gone: AbortSignal,
  ): Promise<void> {
    const text = JSON.stringify(answer);
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': record.traceId });
    record.httpStatus = 200;
    if (fault?.kind === 'cutStream' || fault?.kind === 'stallStream') {
      if (!(await writeText(res, text.slice(0, Math.floor(text.length / 2)), undefined))) return;
      if (fault.kind === 'stallStream') await pause(Number.POSITIVE_INFINITY, gone);
      this.#finish(record, 'faulted');
      res.destroy();
      return;
    }
    if (!(await writeText(res, text, undefined))) return;
    this.#finish(record, fault?.kind === 'urlGone' || fault?.kind === 'cutDownload' ? 'faulted' : 'completed');
    res.end();
  }

  async #download(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const found = this.#links.find(url, this.#now());
    const link = found.link;
    if (link) {
      link.downloads += 1;
      const record = this.#find(link.requestNumber);
      if (record) {
        record.downloads += 1;
        if (req.headers.authorization !== undefined) record.downloadsWithAuthorization += 1;
      }
    }
    if (!found.ok) {
      res.writeHead(found.status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${found.message.split(':')[0]}</Code><Message>${found.message}</Message></Error>`,
      );
      return;
    }
    const { bytes, contentType, fault } = found.link;
    if (fault?.kind === 'urlGone') {
      res.writeHead(fault.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.status === 404 ? 'NoSuchKey' : 'AccessDenied'}</Code></Error>`);
      return;
    }
    res.writeHead(200, { 'content-type': contentType, 'content-length': String(bytes.length) });
    if (fault?.kind === 'cutDownload') {
      const half = Buffer.from(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2));
      await new Promise<void>((resolve) => res.write(half, () => resolve()));
      res.destroy();
      return;
    }
    res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  #encode(bytes: Buffer): string {
    return this.#options.encoding === 'base64' ? `base64:${bytes.toString('base64')}` : bytes.toString('hex');
  }

  /** An error answer in the configured style (the real shape is UNCONFIRMED). */
  #error(record: RecordedRequest, res: ServerResponse, status: number, message: string, outcome: RequestOutcome): void {
    record.httpStatus = status;
    record.errorMessage = message;
    this.#finish(record, outcome);
    if (res.headersSent || res.destroyed) return;
    const style = this.#options.errorStyle ?? 'error-object';
    if (style === 'text') {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': record.traceId });
      res.end(message);
      return;
    }
    const body =
      style === 'message'
        ? { code: status, message, trace_id: record.traceId }
        : { error: { code: ERROR_CODES[status] ?? status, message, details: [] }, trace_id: record.traceId };
    res.setHeader('x-request-id', record.traceId);
    sendJson(res, status, body);
  }

  #serverError(record: RecordedRequest, res: ServerResponse, status: number): void {
    if (status === 502 || status === 504) {
      record.httpStatus = status;
      this.#finish(record, 'faulted');
      // What a gateway in front of the API answers: HTML, no JSON.
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Gateway Time-out'}</h1></body></html>`);
      return;
    }
    this.#error(record, res, status, status === 503 ? 'service unavailable' : 'internal error', 'faulted');
  }

  #record(record: RecordedRequest): void {
    this.#requests.push(record);
    const max = this.#options.maxRecorded;
    if (max !== undefined && this.#requests.length > max) this.#requests.splice(0, this.#requests.length - max);
    this.#arrived.resolve(record.number, record);
  }

  #finish(record: RecordedRequest, outcome: RequestOutcome): void {
    if (record.outcome !== undefined) return;
    record.outcome = outcome;
    this.#finished.resolve(record.number, record);
    this.#options.log?.(
      `#${record.number} ${record.outputFormat === 'url' ? 'url' : record.stream ? 'sse' : 'json'} ${record.text === undefined ? '-' : [...record.text].length} chars ` +
        `-> ${outcome}${record.fault ? ` (fault ${record.fault})` : ''}${record.errorMessage === undefined ? '' : `: ${record.errorMessage}`}`,
    );
  }
}

/** Promises keyed by request number, resolved once (late waiters get the value at once). */

function describeBody(record: RecordedRequest, body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const fields = body as Record<string, unknown>;
  if (typeof fields.model === 'string') record.model = fields.model;
  if (typeof fields.input === 'string') record.text = fields.input;
  if (typeof fields.stream === 'boolean') record.stream = fields.stream;
  if (typeof fields.output_format === 'string') record.outputFormat = fields.output_format;
  if (fields.timbre_weights !== undefined) record.timbreWeights = fields.timbre_weights;
  if (fields.language !== undefined) record.language = fields.language;
  const voice = fields.voice_setting;
  if (typeof voice === 'object' && voice !== null) {
    record.voiceSetting = voice as Record<string, unknown>;
    const id = (voice as Record<string, unknown>).voice;
    if (typeof id === 'string') record.voice = id;
  }
  const audio = fields.audio_setting as Record<string, unknown> | undefined;
  if (audio) {
    record.audioSetting = {
      format: (audio.response_format ?? 'mp3') as SimAudioRequest['format'],
      sampleRate: Number(audio.sample_rate ?? 32000),
      channels: audio.channel === 1 ? 1 : 2,
      bitrate: Number(audio.bitrate ?? 128000),
    };
  }
}
