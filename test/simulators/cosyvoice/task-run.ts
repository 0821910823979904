import { createHash, type Hash } from 'node:crypto';
import type { WebSocket } from 'ws';
import { pause } from '../shared/http-io.ts';
import { sentenceAudio, sentenceDurationMs } from './audio.ts';
import { countCharacters } from './count-characters.ts';
import type { CosyVoiceFault } from './faults.ts';
import { send, type RecordedTask, type SimulatorHost, type TaskOutcome } from './simulator-host.ts';
import { takeSentences } from './sentences.ts';
import type { SimTaskSettings } from './validate-message.ts';

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
  readonly #queue: string[] = [];
  #pumping = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #billed = 0;
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
    const { sentences, rest } = takeSentences(this.#buffer + text);
    this.#buffer = rest;
    this.#queue.push(...sentences);
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
    if (this.#buffer !== '') this.#queue.push(this.#buffer);
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
      const sentence = this.#queue.shift();
      if (sentence === undefined) {
        // Dropped in the same turn the queue was seen empty: several messages can arrive in one
        // read, and the next one must start a new loop rather than find the flag still up.
        this.#pumping = false;
        if (this.#state === 'finishing') await this.#finishTask();
        return;
      }
      const index = this.#record.audioFrames;
      const output = { sentence: { index, words: [] }, original_text: sentence };
      if (!(await send(this.#ws, event(this.taskId, 'result-generated', { output: { type: 'sentence-begin', ...output } })))) return;
      const durationMs = sentenceDurationMs(sentence, settings.msPerChar);
      let wait = settings.rtf * durationMs;
      if (index === 0) wait += settings.firstFrameDelayMs + (this.#fault?.kind === 'slowFirstFrame' ? this.#fault.delayMs : 0);
      if (wait > 0 && !(await pause(wait, this.#gone))) return;
      if (this.done) return;
      const audio = sentenceAudio(sentence, this.#settings.format, this.#settings.sampleRate, settings.msPerChar, index === 0);
      if (!(await send(this.#ws, event(this.taskId, 'result-generated', { output: { type: 'sentence-synthesis', ...output } })))) return;
      // A cancel may land while a frame is on its way: nothing more is sent or counted after it.
      if (this.done || !(await send(this.#ws, audio)) || this.done) return;
      const record = this.#record;
      record.audioFrames += 1;
      record.audioBytes += audio.length;
      record.durationMs += durationMs;
      this.#hash.update(audio);
      this.#billed += this.#count(sentence);
      const usage = { characters: this.#billed };
      if (!(await send(this.#ws, event(this.taskId, 'result-generated', { output: { type: 'sentence-end', ...output }, usage })))) return;
    }
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
    if (
      !(await send(
        this.#ws,
        event(this.taskId, 'task-finished', { output: { sentence: { words: [] } }, usage: { characters: this.#billed } }),
      ))
    )
      return;
    this.#state = 'done';
    record.sequence.push('task-finished');
    this.#seal();
    this.#simulator.finish(record, 'completed');
  }

  #seal(): void {
    if (this.#record.audioSha256 === undefined) this.#record.audioSha256 = this.#hash.digest('hex');
  }
}

export function event(taskId: string, name: string, payload: object): string {
  return JSON.stringify({ header: { task_id: taskId, event: name, attributes: {} }, payload });
}

export function taskFailedEvent(taskId: string, code: string, message: string): string {
  return JSON.stringify({
    header: { task_id: taskId, event: 'task-failed', error_code: code, error_message: message, attributes: {} },
    payload: {},
  });
}
