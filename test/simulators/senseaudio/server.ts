import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  generateSenseAudioAudio,
  generateSenseAudioBadTake,
  usageCharacters,
  wordCount,
  type BadTakeAudio,
  type SimAudio,
  type SimAudioOptions,
  type SimAudioSetting,
  type SimTone,
} from './audio.ts';
import { finalEventPicker, splitAudioEvents, type FinalEventPlan, type FinalEventVariant } from './final-event.ts';
import { FaultPicker, type FaultPlan, type RandomFaults, type SenseAudioFault, type SenseAudioFaultKind } from './faults.ts';
import { validateRequest, type DictionaryEntry, type SimRequest, type UnknownFields } from './validate-request.ts';
import { closeSignal, pause, readBody, sendJson, writeText } from '../shared/http-io.ts';
import { frameEvent, type SseStyle } from '../shared/sse-frames.ts';
import { faultPlanOf } from '../shared/fault-picker.ts';
import { listen } from '../shared/listen.ts';
import { Waiters } from '../shared/waiters.ts';
import { emptyBadTakeCounts, type BadTakeCounts, type BadTakeVariant, type TakeFaultPlan } from '../shared/take-faults.ts';

export type { SseStyle };

export interface SenseAudioSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The one key accepted as `Authorization: Bearer <key>`; default 'test-key'. */
  apiKey?: string;
  /** Models accepted; default the documented and reported ones. */
  models?: readonly string[];
  /** When set, any other voice_id is refused with 20132. */
  voices?: readonly string[];
  /** Voices that refuse `dictionary` (system voices); default the seed's example `male_0004_a`. */
  systemVoices?: readonly string[];
  /**
   * A body field outside the documented tables: `refuse` (default, 2013 naming it) or `accept`
   * (then MiniMax's stream_options.exclude_aggregated_audio is honoured). See validate-request.ts.
   */
  unknownFields?: UnknownFields;
  /** Speech per spoken character; default 60 ms. Tests use 2–5 ms to keep encoding cheap. */
  msPerChar?: number;
  /** mp3 with an ID3v2 tag and a LAME Info frame like real providers (default true). */
  mp3Tags?: boolean;
  /** What the audio sounds like (audio.ts SimTone): a pitch per text (default) or one continuous tone. */
  tone?: SimTone;
  /** Hex characters per status-1 event (default 8192); an odd value splits bytes across events. */
  chunkHexChars?: number;
  /** Pause between SSE events (default 0). */
  eventIntervalMs?: number;
  /** A fixed wait before every answer, like a provider's processing time (default 0; benchmarks). */
  latencyMs?: number;
  sse?: SseStyle;
  /** With unknownFields 'accept': ignore stream_options.exclude_aggregated_audio anyway (always repeat). */
  ignoreExcludeAggregatedAudio?: boolean;
  /**
   * What the status-2 event carries (see final-event.ts), whatever the request asked for.
   * Unset: the whole audio again, or nothing when a lenient server was asked exclude_aggregated_audio.
   */
  finalEvent?: FinalEventPlan;
  /** Send the status-2 event without extra_info (default true: with it). */
  finalExtraInfo?: boolean;
  /** Answer stream:true with a one-shot JSON body, as a server without SSE would. */
  answerStreamAsJson?: boolean;
  /** Deterministic faults: a list consumed in order, or a function of (requestNumber, body). */
  faults?: FaultPlan;
  /** Random faults instead: this share of requests (seeded PRNG, so runs repeat). */
  faultRate?: number;
  seed?: number;
  faultKinds?: readonly SenseAudioFault[];
  /**
   * Bad takes (../shared/take-faults.ts, e.g. randomBadTakes): asked with the request's text for
   * every valid request the fault plan left alone; what it names is sent as a `badTake` fault.
   */
  takeFaults?: TakeFaultPlan;
  /** Keep at most this many records (oldest dropped); default unlimited. */
  maxRecorded?: number;
  /** One line per finished request (the CLI prints them). */
  log?: (line: string) => void;
}

/**
 * completed: the whole answer went out (even after a harmless fault such as splitJson); rejected:
 * 401 or a parameter error; faulted: an injected failure; client-closed: the client went away first.
 */
export type RequestOutcome = 'completed' | 'rejected' | 'faulted' | 'client-closed';

/** What the simulator saw and did for one POST /v1/t2a_v2. */
export interface RecordedRequest {
  /** 1-based, in arrival order. */
  number: number;
  /** Epoch milliseconds at arrival. */
  at: number;
  /** Which TCP connection carried it (1-based): equal numbers mean a kept-alive socket was reused. */
  connection: number;
  authorized: boolean;
  /** The Bearer key the request carried (a test double: it only ever sees test keys). */
  key?: string;
  model?: string;
  text?: string;
  /** The body's top-level field names, as sent. */
  fields?: string[];
  /** The text as spoken once `dictionary` was applied (absent when no dictionary came). */
  spokenText?: string;
  dictionary?: DictionaryEntry[];
  voice?: string;
  stream?: boolean;
  excludeAggregatedAudio?: boolean;
  audioSetting?: SimAudioSetting;
  fault?: SenseAudioFaultKind;
  /** A `badTake` fault: what was wrong with the audio sent, and for `otherText` the text it spoke. */
  badTake?: BadTakeVariant;
  spokenInstead?: string;
  /** What the status-2 event of an SSE answer carried. */
  finalEvent?: FinalEventVariant;
  httpStatus?: number;
  /** base_resp.status_code or error body code, when not success. */
  businessCode?: number;
  traceId: string;
  /** The generated audio: its size, sha256 (hex) and duration. */
  audioBytes?: number;
  audioSha256?: string;
  durationMs?: number;
  /** The mp3 bitrate actually encoded (see audio.ts). */
  bitrate?: number;
  /** tone `sentences`: the ground truth, where each sentence starts in the audio (ms). */
  sentenceStartsMs?: number[];
  usageCharacters?: number;
  /** SSE events written (audio, final and error events). */
  eventsSent: number;
  outcome?: RequestOutcome;
}

export interface SenseAudioSimulator {
  /** Base URL to give the client, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  setFaults(plan: FaultPlan | RandomFaults | undefined): void;
  /** Replaces the `takeFaults` plan (undefined: no more bad takes from it). */
  setTakeFaults(plan: TakeFaultPlan | undefined): void;
  /** Bad takes sent so far, per variant (a live object), from the fault plan and `takeFaults` alike. */
  readonly badTakes: Readonly<BadTakeCounts>;
  /** Starts accepting another key too (a key that was fixed at the provider's end). */
  acceptKey(key: string): void;
  /** Resolves once request `number` has arrived and been read. */
  whenRequest(number: number): Promise<RecordedRequest>;
  /** Resolves once request `number` has an outcome (answered, faulted, or closed by the client). */
  whenFinished(number: number): Promise<RecordedRequest>;
  /** Synthesis requests being answered right now, and the most there ever were at once. */
  inFlight(): number;
  maxInFlight(): number;
  close(): Promise<void>;
}

const DEFAULT_MODELS = ['SenseAudio-TTS-1.0', 'senseaudio-tts-1.5-260319', 'sensenova-tts-2.0'];
const PATH = '/v1/t2a_v2';
const MAX_BODY_BYTES = 1024 * 1024;

/** Starts a SenseAudio TTS simulator speaking the documented HTTP/SSE protocol on a real socket. */
export async function startSenseAudioSimulator(options: SenseAudioSimulatorOptions = {}): Promise<SenseAudioSimulator> {
  const simulator = new Simulator(options);
  return simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
}

class Simulator {
  readonly #options: SenseAudioSimulatorOptions;
  readonly #faults: FaultPicker;
  readonly #finalEvent: ((requestNumber: number, body: unknown) => FinalEventVariant) | undefined;
  readonly #closing = new AbortController();
  readonly #requests: RecordedRequest[] = [];
  readonly #arrived = new Waiters<RecordedRequest>();
  readonly #finished = new Waiters<RecordedRequest>();
  readonly #server = createServer((req, res) => {
    // A request is in flight from its arrival until its answer ends or its client goes.
    this.#inFlight += 1;
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) this.#inFlight -= 1;
      counted = false;
    };
    res.once('close', done);
    this.#handle(req, res).catch((error: unknown) => {
      this.#options.log?.(`simulator error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { code: 500, message: 'simulator error' });
      else res.destroy();
    });
  });
  readonly #extraKeys = new Set<string>();
  readonly #badTakes = emptyBadTakeCounts();
  #takeFaults: TakeFaultPlan | undefined;
  #count = 0;
  #inFlight = 0;
  #maxInFlight = 0;
  #connections = 0;
  readonly #connectionIds = new WeakMap<object, number>();

  constructor(options: SenseAudioSimulatorOptions) {
    this.#options = options;
    this.#faults = new FaultPicker(faultPlanOf(options));
    this.#takeFaults = options.takeFaults;
    this.#finalEvent = options.finalEvent === undefined ? undefined : finalEventPicker(options.finalEvent, options.seed ?? 1);
    // SSE wants each event on the wire as soon as it is written.
    this.#server.on('connection', (socket) => {
      socket.setNoDelay(true);
      this.#connectionIds.set(socket, (this.#connections += 1));
    });
  }

  async listen(port: number, host: string): Promise<SenseAudioSimulator> {
    const address = await listen(this.#server, port, host);
    return {
      url: `http://${address.urlHost}:${address.port}`,
      port: address.port,
      requests: this.#requests,
      setFaults: (plan) => this.#faults.set(plan),
      setTakeFaults: (plan) => {
        this.#takeFaults = plan;
      },
      badTakes: this.#badTakes,
      acceptKey: (key) => this.#extraKeys.add(key),
      whenRequest: (number) => this.#arrived.wait(number, this.#find(number)),
      whenFinished: (number) => {
        const record = this.#find(number);
        return this.#finished.wait(number, record?.outcome === undefined ? undefined : record);
      },
      inFlight: () => this.#inFlight,
      maxInFlight: () => this.#maxInFlight,
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
    if (url.pathname !== PATH) {
      sendJson(res, 404, { code: 404, message: `no route ${url.pathname}` });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { code: 405, message: 'method not allowed' });
      return;
    }
    const number = (this.#count += 1);
    const record: RecordedRequest = {
      number,
      at: Date.now(),
      connection: this.#connectionIds.get(req.socket) ?? 0,
      authorized: false,
      traceId: randomBytes(16).toString('hex'),
      eventsSent: 0,
    };
    const rawBody = await readBody(req, MAX_BODY_BYTES);
    let body: unknown;
    try {
      body = JSON.parse(rawBody ?? '') as unknown;
    } catch {
      body = undefined;
    }
    describeBody(record, body);
    const fault = this.#faults.pick(number, body);
    if (fault) record.fault = fault.kind;
    const finalEvent = this.#finalEvent?.(number, body);
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
    if ((this.#options.latencyMs ?? 0) > 0 && !(await pause(this.#options.latencyMs ?? 0, gone))) return;

    const key = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (key !== undefined) record.key = key;
    record.authorized = key === (this.#options.apiKey ?? 'test-key') || (key !== undefined && this.#extraKeys.has(key));
    if (!record.authorized || fault?.kind === 'auth401') {
      record.businessCode = 401;
      this.#answer(record, res, 401, { code: 401, message: 'Unauthorized: invalid api key' }, record.authorized ? 'faulted' : 'rejected');
      return;
    }
    if (fault?.kind === 'http429') {
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
      const answer = { trace_id: record.traceId, base_resp: { status_code: 1002, status_msg: 'rate limit exceeded' } };
      this.#answer(record, res, 429, answer, 'faulted');
      return;
    }
    if (fault?.kind === 'http5xx') {
      if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
      this.#answerServerError(record, res, fault.status);
      return;
    }
    if (rawBody === undefined) {
      this.#business(record, res, 2013, `invalid params, body over ${MAX_BODY_BYTES} bytes`, 'rejected');
      return;
    }
    if (body === undefined) {
      this.#business(record, res, 2013, 'invalid params, body is not JSON', 'rejected');
      return;
    }
    const validation = validateRequest(body, {
      models: this.#options.models ?? DEFAULT_MODELS,
      voices: this.#options.voices,
      systemVoices: this.#options.systemVoices,
      unknownFields: this.#options.unknownFields ?? 'refuse',
    });
    if (!validation.ok) {
      this.#business(record, res, validation.code, validation.message, 'rejected');
      return;
    }
    const business = businessFault(fault);
    if (business && (business.in !== 'sse' || !validation.request.stream)) {
      this.#business(record, res, business.code, business.message, 'faulted');
      return;
    }
    await this.#synthesize(record, res, validation.request, fault ?? this.#takeFault(record, validation.request.text), gone, finalEvent);
  }

  /** The `takeFaults` plan's word on a request no other fault touches. */
  #takeFault(record: RecordedRequest, text: string): SenseAudioFault | undefined {
    const take = this.#takeFaults?.({ text, number: record.number });
    if (take === undefined || take === null) return undefined;
    record.fault = 'badTake';
    return { kind: 'badTake', ...take };
  }

  async #synthesize(
    record: RecordedRequest,
    res: ServerResponse,
    request: SimRequest,
    fault: SenseAudioFault | undefined,
    gone: AbortSignal,
    finalEvent: FinalEventVariant | undefined,
  ): Promise<void> {
    const spoken = applyDictionary(request.text, request.dictionary);
    if (request.dictionary.length > 0) {
      record.dictionary = [...request.dictionary];
      record.spokenText = spoken;
    }
    const audioOptions: SimAudioOptions = {
      msPerChar: this.#options.msPerChar ?? 60,
      mp3Tags: this.#options.mp3Tags ?? true,
      tone: this.#options.tone ?? 'per-text',
    };
    const audio =
      fault?.kind === 'badTake'
        ? this.#badTake(record, generateSenseAudioBadTake(spoken, request.audio, audioOptions, fault), fault.variant)
        : badAudio(generateSenseAudioAudio(spoken, request.audio, audioOptions), request, fault, audioOptions);
    const hex = Buffer.from(audio.bytes.buffer, audio.bytes.byteOffset, audio.bytes.byteLength).toString('hex');
    record.audioBytes = audio.bytes.length;
    record.audioSha256 = createHash('sha256').update(audio.bytes).digest('hex');
    record.durationMs = audio.durationMs;
    if (audio.sentenceStartsMs !== undefined) record.sentenceStartsMs = audio.sentenceStartsMs;
    record.bitrate = audio.bitrate;
    record.usageCharacters = usageCharacters(request.text);
    const extraInfo = {
      audio_length: audio.durationMs,
      audio_sample_rate: request.audio.sampleRate,
      audio_size: audio.bytes.length,
      bitrate: audio.bitrate,
      audio_format: request.audio.format,
      audio_channel: request.audio.channels,
      word_count: wordCount(request.text),
      usage_characters: record.usageCharacters,
    };
    const success = { status_code: 0, status_msg: 'success' };
    if (!request.stream || this.#options.answerStreamAsJson) {
      const text = JSON.stringify({ data: { audio: hex, status: 2 }, extra_info: extraInfo, trace_id: record.traceId, base_resp: success });
      await this.#sendOneShot(record, res, text, fault, gone);
      return;
    }
    const style = this.#options.sse ?? {};
    const chunkChars = Math.max(1, this.#options.chunkHexChars ?? 8192);
    const pieces: string[] = [];
    for (let start = 0; start < hex.length; start += chunkChars) pieces.push(hex.slice(start, start + chunkChars));
    const variant = finalEvent ?? (request.excludeAggregatedAudio && !this.#options.ignoreExcludeAggregatedAudio ? 'empty' : 'repeat');
    record.finalEvent = variant;
    const split = splitAudioEvents(pieces, hex, variant);
    const events: { payload: object; final: boolean }[] = split.chunks.map((piece) => ({
      payload: { data: { audio: piece, status: 1 }, trace_id: record.traceId, base_resp: { status_code: 0, status_msg: '' } },
      final: false,
    }));
    events.push({
      payload: {
        data: { audio: split.final, status: 2 },
        ...(this.#options.finalExtraInfo === false ? {} : { extra_info: extraInfo }),
        trace_id: record.traceId,
        base_resp: success,
      },
      final: true,
    });
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'trace-id': record.traceId,
    });
    record.httpStatus = 200;
    const business = businessFault(fault);
    const stopAfter =
      fault?.kind === 'cutStream' || fault?.kind === 'stallStream'
        ? Math.min(fault.afterEvents, split.chunks.length)
        : business
          ? Math.min(business.afterEvents, split.chunks.length)
          : Number.POSITIVE_INFINITY;
    const pieceBytes = fault?.kind === 'splitJson' ? Math.max(1, fault.pieceBytes ?? 7) : undefined;
    if (fault?.kind === 'badAudio' && fault.variant === 'endless') {
      // The audio events again and again, never the final one: only the client can end this.
      this.#finish(record, 'faulted');
      const audioEvents = Math.max(1, split.chunks.length);
      for (let index = 0; ; index = (index + 1) % audioEvents) {
        if (!(await writeText(res, frameEvent(events[index]?.payload ?? {}, style), undefined))) return;
        record.eventsSent += 1;
        if (index === audioEvents - 1 && !(await pause(0, gone))) return;
      }
    }
    if (fault?.kind === 'badAudio') this.#finish(record, 'faulted');
    for (const [index, event] of events.entries()) {
      if (index >= stopAfter) break;
      if (index > 0 && (this.#options.eventIntervalMs ?? 0) > 0 && !(await pause(this.#options.eventIntervalMs ?? 0, gone))) return;
      if (!(await writeText(res, frameEvent(event.payload, style), pieceBytes))) return;
      record.eventsSent += 1;
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
    if (business) {
      record.businessCode = business.code;
      const payload = { trace_id: record.traceId, base_resp: { status_code: business.code, status_msg: business.message } };
      if (!(await writeText(res, frameEvent(payload, style), pieceBytes))) return;
      record.eventsSent += 1;
      this.#finish(record, 'faulted');
      res.end();
      return;
    }
    if (style.done && !(await writeText(res, `data: [DONE]${style.lineEnding ?? '\n'}${style.lineEnding ?? '\n'}`, pieceBytes))) return;
    this.#finish(record, 'completed');
    res.end();
  }

  /** Counts a bad take and notes it on its record. */
  #badTake(record: RecordedRequest, audio: BadTakeAudio, variant: BadTakeVariant): SimAudio {
    this.#badTakes[variant] += 1;
    record.badTake = variant;
    if (audio.spokenInstead !== undefined) record.spokenInstead = audio.spokenInstead;
    return audio;
  }

  async #sendOneShot(record: RecordedRequest, res: ServerResponse, text: string, fault: SenseAudioFault | undefined, gone: AbortSignal) {
    res.writeHead(200, { 'content-type': 'application/json', 'trace-id': record.traceId });
    record.httpStatus = 200;
    if (fault?.kind === 'cutStream' || fault?.kind === 'stallStream') {
      if (!(await writeText(res, text.slice(0, Math.floor(text.length / 2)), undefined))) return;
      if (fault.kind === 'stallStream') await pause(Number.POSITIVE_INFINITY, gone);
      this.#finish(record, 'faulted');
      res.destroy();
      return;
    }
    const pieceBytes = fault?.kind === 'splitJson' ? Math.max(1, fault.pieceBytes ?? 7) : undefined;
    if (fault?.kind === 'badAudio') this.#finish(record, 'faulted');
    if (!(await writeText(res, text, pieceBytes))) return;
    this.#finish(record, 'completed');
    res.end();
  }

  #business(record: RecordedRequest, res: ServerResponse, code: number, message: string, outcome: RequestOutcome): void {
    record.businessCode = code;
    this.#answer(record, res, 200, { trace_id: record.traceId, base_resp: { status_code: code, status_msg: message } }, outcome);
  }

  #answerServerError(record: RecordedRequest, res: ServerResponse, status: number): void {
    record.httpStatus = status;
    this.#finish(record, 'faulted');
    if (status === 502 || status === 504) {
      // What a gateway in front of the API answers: HTML, no JSON.
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Gateway Time-out'}</h1></body></html>`);
      return;
    }
    sendJson(res, status, { trace_id: record.traceId, base_resp: { status_code: 1000, status_msg: 'internal error' } });
  }

  #answer(record: RecordedRequest, res: ServerResponse, status: number, body: object, outcome: RequestOutcome): void {
    record.httpStatus = status;
    this.#finish(record, outcome);
    sendJson(res, status, body);
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
      `#${record.number} ${record.stream === false ? 'json' : 'sse'} ${record.text === undefined ? '-' : [...record.text].length} chars ` +
        `-> ${outcome}${record.fault ? ` (fault ${record.fault})` : ''}${record.businessCode === undefined ? '' : ` code ${record.businessCode}`}`,
    );
  }
}

/** Promises keyed by request number, resolved once (late waiters get the value at once). */

/** The garbage a `badAudio` fault sends in place of the right audio (the right audio otherwise). */
function badAudio(audio: SimAudio, request: SimRequest, fault: SenseAudioFault | undefined, options: SimAudioOptions): SimAudio {
  if (fault?.kind !== 'badAudio') return audio;
  switch (fault.variant) {
    case 'empty':
      return { ...audio, bytes: new Uint8Array(0) };
    case 'wavForMp3':
      return generateSenseAudioAudio(request.text, { ...request.audio, format: 'wav' }, options);
    case 'wrongRate':
      return generateSenseAudioAudio(
        request.text,
        { ...request.audio, sampleRate: request.audio.sampleRate === 16000 ? 24000 : 16000 },
        options,
      );
    case 'random':
      return { ...audio, bytes: new Uint8Array(randomBytes(audio.bytes.length)) };
    case 'endless':
      return audio;
  }
}

function businessFault(
  fault: SenseAudioFault | undefined,
): { code: number; message: string; in: 'json' | 'sse'; afterEvents: number } | undefined {
  if (fault === undefined) return undefined;
  const placement = (f: { in?: 'json' | 'sse'; afterEvents?: number }) => ({ in: f.in ?? 'json', afterEvents: f.afterEvents ?? 0 });
  switch (fault.kind) {
    case 'code1002':
      return { code: 1002, message: 'rate limit exceeded', ...placement(fault) };
    case 'code1000':
      return { code: 1000, message: 'unknown error', ...placement(fault) };
    case 'business':
      return { code: fault.code, message: fault.message ?? `error ${fault.code}`, ...placement(fault) };
    default:
      return undefined;
  }
}

/**
 * Each `original` read as its `replacement`, in one pass (a replacement is not looked at again),
 * the longest original first where two start at the same place.
 */
function applyDictionary(text: string, entries: readonly DictionaryEntry[]): string {
  if (entries.length === 0) return text;
  const byOriginal = new Map(entries.map((entry) => [entry.original, entry.replacement]));
  const originals = [...byOriginal.keys()]
    .sort((a, b) => b.length - a.length)
    .map((original) => original.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text.replace(new RegExp(originals.join('|'), 'gu'), (found) => byOriginal.get(found) ?? found);
}

function describeBody(record: RecordedRequest, body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const fields = body as Record<string, unknown>;
  record.fields = Object.keys(fields);
  if (typeof fields.model === 'string') record.model = fields.model;
  if (typeof fields.text === 'string') record.text = fields.text;
  if (typeof fields.stream === 'boolean') record.stream = fields.stream;
  const voice = fields.voice_setting as Record<string, unknown> | undefined;
  if (typeof voice?.voice_id === 'string') record.voice = voice.voice_id;
  const streamOptions = fields.stream_options as Record<string, unknown> | undefined;
  record.excludeAggregatedAudio = streamOptions?.exclude_aggregated_audio === true;
  const audio = fields.audio_setting as Record<string, unknown> | undefined;
  if (audio) {
    record.audioSetting = {
      format: (audio.format ?? 'mp3') as SimAudioSetting['format'],
      sampleRate: Number(audio.sample_rate ?? 32000),
      channels: audio.channel === 1 ? 1 : 2,
      bitrate: Number(audio.bitrate ?? 128000),
    };
  }
}
