import { getDefaultBackendFactory } from 'bullmq';
import type { BackendFactory, IQueueBackend } from 'bullmq';

/**
 * A BackendFactory (the documented fourth argument of BullMQ's Worker) that builds the usual
 * backend and calls `onFetch` each time its `moveToActive` answers, with a job or without one.
 *
 * Every turn of a worker's fetch loop ends in `moveToActive`, also when an idle worker's blocking
 * wait times out and it asks again; no Worker event says so ('drained' comes once per drain).
 * The backend is wrapped, not changed: every other member is the built backend's own.
 */
export function fetchObservingBackend<B extends IQueueBackend>(onFetch: () => void): BackendFactory<B> {
  const build = getDefaultBackendFactory<B>();
  return (name, opts, options) => {
    const backend = build(name, opts, options);
    const moveToActive: IQueueBackend['moveToActive'] = async (token, jobName) => {
      const answer: unknown[] = await backend.moveToActive(token, jobName);
      onFetch();
      return answer;
    };
    return new Proxy(backend, {
      get(target, property) {
        if (property === 'moveToActive') return moveToActive;
        const value: unknown = Reflect.get(target, property, target);
        // Called on the backend itself, so its private fields stay reachable.
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
}
