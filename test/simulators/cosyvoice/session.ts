import type { WebSocket } from 'ws';
import type { CosyVoiceFault } from './faults.ts';
import { send, type RecordedTask, type SimulatorHost } from './simulator-host.ts';
import { taskFailedEvent, TaskRun } from './task-run.ts';
import { parseClientMessage, validateRunTask } from './validate-message.ts';

/** One WebSocket connection: runs its tasks one after another, as the service allows. */
export class Session {
  readonly #simulator: SimulatorHost;
  readonly #ws: WebSocket;
  #record: RecordedTask;
  #fault: CosyVoiceFault | undefined;
  #task: TaskRun | undefined;

  constructor(simulator: SimulatorHost, ws: WebSocket, record: RecordedTask, fault: CosyVoiceFault | undefined) {
    this.#simulator = simulator;
    this.#ws = ws;
    this.#record = record;
    this.#fault = fault;
  }

  start(): void {
    this.#ws.on('message', (data, isBinary) => this.#onMessage(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary));
    this.#ws.on('close', () => {
      this.#task?.stop();
      const record = this.#record;
      if (record.outcome === undefined) this.#simulator.finish(record, this.#task?.faultApplied ? 'faulted' : 'client-closed');
    });
    this.#ws.on('error', () => {
      // A client that vanishes mid-frame; 'close' follows and records it.
    });
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.#refuse('InvalidParameter', 'binary frames are not accepted from the client');
      return;
    }
    const parsed = parseClientMessage(data.toString('utf8'));
    if (!parsed.ok) {
      this.#refuse('InvalidParameter', parsed.message);
      return;
    }
    const message = parsed.value;
    const task = this.#task;
    if (message.action === 'run-task') {
      if (task && !task.done) {
        this.#refuse('InvalidParameter', 'a task is already running on this connection');
        return;
      }
      if (task?.done) {
        // The socket is being reused for another task: a new record, with its own fault.
        const next = this.#simulator.newRecord(this.#record.connection);
        next.record.authorized = true;
        this.#record = next.record;
        this.#fault = next.fault;
      }
      this.#record.sequence.push('run-task');
      this.#record.taskId = message.taskId;
      const payload = message.payload;
      if (typeof payload.model === 'string') this.#record.model = payload.model;
      const parameters = payload.parameters;
      if (typeof parameters === 'object' && parameters !== null) {
        this.#record.parameters = parameters as Record<string, unknown>;
        const voice = (parameters as Record<string, unknown>).voice;
        if (typeof voice === 'string') this.#record.voice = voice;
      }
      const settings = this.#simulator.settings;
      const checked = validateRunTask(payload, settings.models, settings.voices);
      if (!checked.ok) {
        this.#refuse('InvalidParameter', checked.message);
        return;
      }
      this.#task = new TaskRun(this.#simulator, this.#ws, this.#record, message.taskId, checked.value, this.#fault);
      this.#task.begin();
      return;
    }
    if (!task || task.done) {
      this.#refuse('InvalidParameter', `${message.action} before run-task`);
      return;
    }
    if (message.taskId !== task.taskId) {
      task.refuse('InvalidParameter', `task_id ${message.taskId} does not match the running task`);
      return;
    }
    if (message.action === 'continue-task') task.continueWith(message.text);
    else if (message.cancel) task.cancel();
    else task.finishInput();
  }

  /** A protocol error outside a running task: task-failed, then the socket is left to the client. */
  #refuse(code: string, message: string): void {
    if (this.#task && !this.#task.done) {
      this.#task.refuse(code, message);
      return;
    }
    const record = this.#record;
    record.sequence.push('task-failed');
    record.errorCode = code;
    record.errorMessage = message;
    void send(this.#ws, taskFailedEvent(record.taskId ?? '', code, message));
    this.#simulator.finish(record, 'failed');
  }
}
