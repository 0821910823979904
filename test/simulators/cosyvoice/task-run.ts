import { createHash, randomUUID, type Hash } from 'node:crypto';
import type { WebSocket } from 'ws';
import { pause } from '../shared/http-io.ts';
import { encodeSamples, interleaved, samplesOf } from '../shared/encode-samples.ts';
import { applyBadTake, otherTextOf, type BadTake } from '../shared/take-faults.ts';
import { mp3BitrateFor, sentenceAudio, sentenceDurationMs, silenceAudio, streamingWavHeader } from './audio.ts';
import { countCharacters } from './count-characters.ts';
import type { CosyVoiceFault } from './faults.ts';
import { sentenceToneSpeech } from './sentence-tone.ts';
import { send, type RecordedTask, type SimulatorHost, type TaskOutcome } from './simulator-host.ts';
import { takeSentences } from './sentences.ts';
import { looksLikeSsml, parseSsml } from './ssml.ts';
import { voiceSpeaksSsml } from './ssml-voices.ts';
import type { Utterance } from './utterance.ts';
import type { SimTaskSettings } from './validate-message.ts';
import { sentenceWords, type SimWord } from './word-timestamps.ts';

/** One task: run-task → task-started → continue-task… → finish-task → sentences → task-finished. */
export class TaskRun {
  readonly taskId: string;
  readonly #simulator: SimulatorHost;
  readonly #ws: WebSocket;
  readonly #record: RecordedTask;
  readonly #settings: SimTaskSettings;
  readonly #fault: CosyVoiceFault | undefined;
  readonly #stop = new AbortController();
  readonly #gone: AbortSignal;
  readonly #hash: Hash = createHash('sha256');
  #state: 'starting' | 'started' | 'finishing' | 'done' = 'starting';
  #buffer = '';
  readonly #queue: Utterance[] = [];
  /** Sentences begun so far: the next one's `sentence.index`. */
  #sentences = 0;
  /** Every word timestamp of the task, for the `task-finished` placement. */
  readonly #words: SimWord[] = [];
  #pumping = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #billed = 0;
  /** Speech length of the sentences begun so far, as the text has it (a bad take's audio differs). */
  #spokenMs = 0;
  /**
   * A `badTake` fault, or a `takeFaults` plan that may name one: the task speaks once finish-task
   * came, so the whole take can be spoiled; cleared once it has been decided.
   */
  #withhold: boolean;
  /** A bad take's audio, one piece per sentence (the spoiled samples spread over the sentences). */
  #badParts: { bytes: Uint8Array; durationMs: number }[] | undefined;
  faultApplied = false;

  constructor(
    simulator: SimulatorHost,
    ws: WebSocket,
    record: RecordedTask,
    taskId: string,
    settings: SimTaskSettings,
    fault: CosyVoiceFault | undefined,
  ) {
    this.#simulator = simulator;
    this.#ws = ws;
    this.#record = record;
    this.taskId = taskId;
    this.#settings = settings;
    this.#fault = fault;
    this.#gone = AbortSignal.any([this.#stop.signal, simulator.closingSignal]);
    this.#withhold = fault?.kind === 'badTake' || (fault === undefined && simulator.hasTakeFaults());
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  stop(): void {
    this.#clearIdle();
    this.#stop.abort();
  }

  begin(): void {
    void this.#begin();
  }

  async #begin(): Promise<void> {
    const fault = this.#fault;
    if (this.#settings.ssml && !voiceSpeaksSsml(this.#settings.model, this.#settings.voice)) {
      // The WebSocket page's words for a voice without SSML and enable_ssml on.
      this.refuse('InvalidParameter', 'SSML text is not supported at the moment!');
      return;
    }
    if (fault?.kind === 'throttling') {
      this.#failWith(fault.code ?? 'Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.', 'faulted');
      return;
    }
    if (fault?.kind === 'taskFailed' && fault.afterFrames === undefined) {
      this.#failWith(fault.code, fault.message ?? `error ${fault.code}`, 'faulted');
      return;
    }
    const delay = this.#simulator.settings.taskStartedDelayMs + (fault?.kind === 'slowTaskStarted' ? fault.delayMs : 0);
    if (delay > 0 && !(await pause(delay, this.#gone))) return;
    if (this.#state !== 'starting') return;
    this.#state = 'started';
    this.#record.sequence.push('task-started');
    await send(this.#ws, event(this.taskId, 'task-started', {}));
    this.#armIdle();
  }

  continueWith(text: string): void {
    if (this.#state !== 'started') {
      this.refuse('InvalidParameter', this.#state === 'starting' ? 'continue-task before task-started' : 'continue-task after finish-task');
      return;
    }
    if (this.#settings.ssml && this.#record.texts.length > 0) {
      // enable_ssml allows one continue-task (the WebSocket page's sample names this error).
      this.refuse('InvalidParameter', 'Text request limit violated, expected 1.');
      return;
    }
    if (!this.#settings.ssml && looksLikeSsml(text)) {
      this.refuse('InvalidParameter', 'SSML text needs enable_ssml: true in run-task');
      return;
    }
    const units = this.#count(text);
    const record = this.#record;
    record.sequence.push('continue-task');
    record.texts.push(text);
    record.messageUnits.push(units);
    record.taskUnits += units;
    this.#simulator.noteUnits(units, record.taskUnits);
    const settings = this.#simulator.settings;
    if (units > settings.messageMaxUnits) {
      this.refuse('InvalidParameter', `text of one continue-task counts ${units} characters, over the ${settings.messageMaxUnits} limit`);
      return;
    }
    if (record.taskUnits > settings.taskMaxUnits) {
      this.refuse('InvalidParameter', `the task's text counts ${record.taskUnits} characters, over the ${settings.taskMaxUnits} limit`);
      return;
    }
    this.#armIdle();
    if (this.#settings.ssml) {
      const parsed = parseSsml(text);
      if (!parsed.ok) {
        this.refuse('InvalidParameter', parsed.message);
        return;
      }
      const { utterances, pausesMs, phonemes } = parsed.value;
      record.ssml = { pausesMs, phonemes };
      // The bill is the document's count; each sentence bills its text, the last the tags as well.
      const billed = utterances.reduce((sum, utterance) => sum + this.#count(utterance.text), 0);
      const last = utterances.at(-1);
      if (last) last.units = this.#count(last.text) + units - billed;
      this.#queue.push(...utterances);
      this.#pump();
      return;
    }
    const { sentences, rest } = takeSentences(this.#buffer + text);
    this.#buffer = rest;
    this.#queue.push(...sentences.map(plainUtterance));
    this.#pump();
  }

  finishInput(): void {
    if (this.#state !== 'started') {
      this.refuse('InvalidParameter', this.#state === 'starting' ? 'finish-task before task-started' : 'finish-task sent twice');
      return;
    }
    this.#record.sequence.push('finish-task');
    this.#state = 'finishing';
    this.#clearIdle();
    if (this.#buffer !== '') this.#queue.push(plainUtterance(this.#buffer));
    this.#buffer = '';
    this.#pump();
  }

  /**
   * finish-task with the cancel directive: synthesis stops, audio not yet sent is dropped, and
   * task-finished reports what was billed so far (the SDK's streaming_cancel waits for it, then
   * closes). Accepted after a plain finish-task too: the SDK may cancel while the rest is spoken.
   */
  cancel(): void {
    if (this.#state !== 'started' && this.#state !== 'finishing') {
      this.refuse('InvalidParameter', this.#state === 'starting' ? 'finish-task before task-started' : 'cancel after the task ended');
      return;
    }
    const record = this.#record;
    record.sequence.push('finish-task:cancel');
    record.cancelled = true;
    this.#state = 'done';
    this.stop();
    if (this.#fault?.kind === 'cancelIgnored') {
      this.faultApplied = true;
      this.#seal();
      return;
    }
    record.usageCharacters = this.#billed;
    this.#seal();
    void send(this.#ws, event(this.taskId, 'task-finished', { output: { sentence: { words: [] } }, usage: { characters: this.#billed } }));
    record.sequence.push('task-finished');
    this.#simulator.finish(record, 'cancelled');
  }

  /** The document's count (seeds/004), with SSML tags counted or not as the simulator is set. */
  #count(text: string): number {
    return countCharacters(text, { countSsmlTags: this.#simulator.settings.countSsmlTags });
  }

  /** task-failed for the client's own mistake. */
  refuse(code: string, message: string): void {
    this.#failWith(code, message, 'failed');
  }

  #failWith(code: string, message: string, outcome: TaskOutcome): void {
    if (this.#state === 'done') return;
    this.#state = 'done';
    this.stop();
    const record = this.#record;
    record.sequence.push('task-failed');
    record.errorCode = code;
    record.errorMessage = message;
    this.#seal();
    if (outcome === 'faulted') this.faultApplied = true;
    void send(this.#ws, taskFailedEvent(this.taskId, code, message));
    this.#simulator.finish(record, outcome);
  }

  #armIdle(): void {
    this.#clearIdle();
    const ms = this.#simulator.settings.idleTimeoutMs;
    this.#idleTimer = setTimeout(() => this.refuse('RequestTimeOut', `request timeout after ${Math.round(ms / 1000)} seconds.`), ms);
  }

  #clearIdle(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  /** Speaks queued sentences one by one; finishes the task once input is over and all is spoken. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#speak().catch(() => undefined);
  }

  async #speak(): Promise<void> {
    const settings = this.#simulator.settings;
    for (;;) {
      if (this.#state === 'done' || this.#gone.aborted) return;
      if (this.#applyAudioFault()) return;
      if (this.#withhold) {
        if (this.#state !== 'finishing') {
          this.#pumping = false;
          return;
        }
        this.#decideTake();
      }
      const utterance = this.#queue.shift();
      if (utterance === undefined) {
        // Dropped in the same turn the queue was seen empty: several messages can arrive in one
        // read, and the next one must start a new loop rather than find the flag still up.
        this.#pumping = false;
        if (this.#state === 'finishing') await this.#finishTask();
        return;
      }
      if (!(await this.#speakOne(utterance, settings.msPerChar))) return;
    }
  }

  /**
   * One sentence: sentence-begin, then its audio in `framesPerSentence` binary frames each led by
   * a sentence-synthesis event, then sentence-end with the cumulative usage (the event shapes of
   * the server-events page). False once the task is over or the client gone.
   */
  async #speakOne(utterance: Utterance, msPerChar: number): Promise<boolean> {
    const settings = this.#simulator.settings;
    const record = this.#record;
    const index = this.#sentences;
    this.#sentences += 1;
    const startMs = this.#spokenMs;
    const known = settings.tone === 'sentences' ? sentenceToneSpeech(utterance, msPerChar, index === 0, startMs) : undefined;
    const words = this.#settings.wordTimestamps ? (known?.words ?? utteranceWords(utterance, startMs, msPerChar)) : [];
    const placement = settings.wordTimestamps;
    const output = (type: string, shown: SimWord[], withText: boolean) => ({
      output: { sentence: { index, words: shown }, type, ...(withText ? { original_text: utterance.text } : {}) },
    });
    if (!(await send(this.#ws, event(this.taskId, 'result-generated', output('sentence-begin', [], true))))) return false;
    const durationMs = known?.durationMs ?? utteranceDurationMs(utterance, msPerChar);
    let wait = settings.rtf * durationMs;
    if (index === 0) wait += settings.firstFrameDelayMs + (this.#fault?.kind === 'slowFirstFrame' ? this.#fault.delayMs : 0);
    if (wait > 0 && !(await pause(wait, this.#gone))) return false;
    if (this.done) return false;
    const { format, sampleRate } = this.#settings;
    const bad = this.#badParts?.[index];
    const audio = bad?.bytes ?? known?.audio(format, sampleRate, record.audioBytes === 0) ?? this.#utteranceAudio(utterance, msPerChar);
    const frames = splitFrames(audio, settings.framesPerSentence);
    for (const [k, frame] of frames.entries()) {
      const shown = placement === 'every-event' ? words.slice(0, Math.ceil((words.length * (k + 1)) / frames.length)) : [];
      if (!(await send(this.#ws, event(this.taskId, 'result-generated', output('sentence-synthesis', shown, false))))) return false;
      // A cancel may land while a frame is on its way: nothing more is sent or counted after it.
      if (this.done || !(await send(this.#ws, frame)) || this.done) return false;
      record.audioFrames += 1;
      record.audioBytes += frame.length;
      this.#hash.update(frame);
    }
    record.durationMs += bad?.durationMs ?? durationMs;
    this.#spokenMs += durationMs;
    if (known !== undefined && bad === undefined) {
      record.sentenceStartsMs = [...(record.sentenceStartsMs ?? []), ...known.sentences.map((s) => Math.round(s.startMs))];
      record.sentenceTexts = [...(record.sentenceTexts ?? []), ...known.sentences.map((s) => s.text)];
    }
    this.#words.push(...words);
    this.#billed += utterance.units ?? this.#count(utterance.text);
    const end = { ...output('sentence-end', placement === 'task-finished' ? [] : words, true), usage: { characters: this.#billed } };
    return send(this.#ws, event(this.taskId, 'result-generated', end));
  }

  /** The sentence's audio: each piece encoded on its own, so the pieces concatenate (see audio.ts). */
  #utteranceAudio(utterance: Utterance, msPerChar: number): Uint8Array {
    const { format, sampleRate } = this.#settings;
    const parts = utterance.pieces.map((piece, k) => {
      const first = this.#record.audioBytes === 0 && k === 0;
      return piece.kind === 'speech'
        ? sentenceAudio(piece.text, format, sampleRate, msPerChar, first)
        : silenceAudio(piece.ms, format, sampleRate, first);
    });
    return Buffer.concat(parts);
  }

  /**
   * Once finish-task came and before the first sentence: whether the take is bad (the fault, or
   * the `takeFaults` plan asked with the whole text), and if so its audio, sentence by sentence.
   */
  #decideTake(): void {
    this.#withhold = false;
    const record = this.#record;
    let take: BadTake | undefined = this.#fault?.kind === 'badTake' ? this.#fault : undefined;
    if (this.#fault === undefined) {
      take = this.#simulator.takeFault({ text: record.texts.join(''), number: record.number });
      if (take !== undefined) record.fault = 'badTake';
    }
    if (take === undefined || this.#queue.length === 0) return;
    const { format, sampleRate } = this.#settings;
    const { msPerChar, tone } = this.#simulator.settings;
    const monoOf = (utterance: Utterance, opensTask: boolean): Int16Array =>
      samplesOf(
        tone === 'sentences'
          ? sentenceToneSpeech(utterance, msPerChar, opensTask, 0).audio('pcm', sampleRate, false)
          : utterancePcm(utterance, sampleRate, msPerChar),
      );
    const parts = this.#queue.map((utterance, i) => monoOf(utterance, i === 0));
    const whole = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      whole.set(part, at);
      at += part.length;
    }
    const other = otherTextOf(take, record.texts.join(''));
    const spoiled = applyBadTake(take, whole, sampleRate, other === undefined ? undefined : () => monoOf(plainUtterance(other), true));
    // Each sentence carries its share of the spoiled samples, so the frames join into the take.
    let from = 0;
    let before = 0;
    this.#badParts = parts.map((part, i) => {
      before += part.length;
      const to = i === parts.length - 1 ? spoiled.length : Math.round((before * spoiled.length) / whole.length);
      const piece = spoiled.subarray(from, to);
      from = to;
      return { bytes: encodePiece(piece, format, sampleRate, i === 0), durationMs: (piece.length * 1000) / sampleRate };
    });
    record.badTake = take.variant;
    if (other !== undefined) record.spokenInstead = other;
    this.#simulator.noteBadTake(take.variant);
  }

  /** The injected failure due before the next frame (or before task-finished); true once applied. */
  #applyAudioFault(): boolean {
    const fault = this.#fault;
    if (fault === undefined || !('afterFrames' in fault) || fault.afterFrames === undefined) return false;
    const due = this.#record.audioFrames >= fault.afterFrames || (this.#queue.length === 0 && this.#state === 'finishing');
    if (!due) return false;
    switch (fault.kind) {
      case 'internalErrorAfterAudio':
        this.#failWith('InternalError', 'Internal server error!', 'faulted');
        return true;
      case 'taskFailed':
        this.#failWith(fault.code, fault.message ?? `error ${fault.code}`, 'faulted');
        return true;
      case 'closeMidAudio':
        this.#abandon();
        this.#ws.terminate();
        return true;
      case 'closeBeforeFinished':
        this.#abandon();
        this.#ws.close(1000, 'bye');
        return true;
      case 'stall':
        // Silent from here on, socket kept open, until the client gives up.
        this.#abandon();
        return true;
    }
  }

  #abandon(): void {
    this.#state = 'done';
    this.faultApplied = true;
    this.stop();
    this.#seal();
    this.#simulator.finish(this.#record, 'faulted');
  }

  async #finishTask(): Promise<void> {
    if (this.#state !== 'finishing') return;
    const record = this.#record;
    record.usageCharacters = this.#billed;
    const sentence =
      this.#settings.wordTimestamps && this.#simulator.settings.wordTimestamps === 'task-finished'
        ? { index: Math.max(0, this.#sentences - 1), words: this.#words }
        : { words: [] };
    const usage = { characters: this.#billed };
    const shape = this.#simulator.settings.taskFinishedShape;
    const payload = shape === 'usage-only' && sentence.words.length === 0 ? { usage } : { output: { sentence }, usage };
    const finished = event(this.taskId, 'task-finished', payload, { request_uuid: randomUUID() });
    if (!(await send(this.#ws, finished))) return;
    this.#state = 'done';
    record.sequence.push('task-finished');
    this.#seal();
    this.#simulator.finish(record, 'completed');
  }

  #seal(): void {
    if (this.#record.audioSha256 === undefined) this.#record.audioSha256 = this.#hash.digest('hex');
  }
}

export function event(taskId: string, name: string, payload: object, attributes: Record<string, string> = {}): string {
  return JSON.stringify({ header: { task_id: taskId, event: name, attributes }, payload });
}

function plainUtterance(text: string): Utterance {
  return { text, pieces: [{ kind: 'speech', text }] };
}

function utteranceDurationMs(utterance: Utterance, msPerChar: number): number {
  return utterance.pieces.reduce((sum, piece) => sum + (piece.kind === 'speech' ? sentenceDurationMs(piece.text, msPerChar) : piece.ms), 0);
}

/** The words of the sentence's speech pieces, each piece starting where the audio before it ends. */
function utteranceWords(utterance: Utterance, startMs: number, msPerChar: number): SimWord[] {
  const words: SimWord[] = [];
  let at = startMs;
  for (const piece of utterance.pieces) {
    if (piece.kind === 'pause') {
      at += piece.ms;
      continue;
    }
    words.push(...sentenceWords(piece.text, at, msPerChar));
    at += sentenceDurationMs(piece.text, msPerChar);
  }
  return words;
}

/** The sentence's speech as 16-bit mono samples (the per-text tone, pauses silent). */
function utterancePcm(utterance: Utterance, sampleRate: number, msPerChar: number): Uint8Array {
  return Buffer.concat(
    utterance.pieces.map((piece) =>
      piece.kind === 'speech'
        ? sentenceAudio(piece.text, 'pcm', sampleRate, msPerChar, false)
        : silenceAudio(piece.ms, 'pcm', sampleRate, false),
    ),
  );
}

/** One sentence's share of a bad take in the task's format, as audio.ts frames its normal audio. */
function encodePiece(samples: Int16Array, format: SimTaskSettings['format'], sampleRate: number, firstOfTask: boolean): Uint8Array {
  if (format === 'mp3') {
    return samples.length === 0
      ? new Uint8Array(0)
      : encodeSamples(samples, { format, sampleRate, channels: 1, bitrate: mp3BitrateFor(sampleRate) });
  }
  const pcm = interleaved(samples, 1);
  return format === 'wav' && firstOfTask ? Buffer.concat([streamingWavHeader(sampleRate), pcm]) : pcm;
}

/** `audio` cut into `count` frames of about equal size (never an empty one). */
function splitFrames(audio: Uint8Array, count: number): Uint8Array[] {
  const n = Math.max(1, Math.min(count, audio.length));
  const size = Math.ceil(audio.length / n);
  const frames: Uint8Array[] = [];
  for (let at = 0; at < audio.length; at += size) frames.push(audio.subarray(at, at + size));
  return frames;
}

export function taskFailedEvent(taskId: string, code: string, message: string): string {
  return JSON.stringify({
    header: { task_id: taskId, event: 'task-failed', error_code: code, error_message: message, attributes: {} },
    payload: {},
  });
}
