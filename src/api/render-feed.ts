import { budgetWait } from '../render/daily-budget.ts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { renderKeys } from '../render/render-keys.ts';
import { getRenderStatus } from '../render/render-status.ts';
import { waitingReason } from '../runtime/waiting-reason.ts';
import type { RenderEvent, RenderState, RenderStore } from '../render/render-store.ts';
import type { RenderEventHub } from './render-event-hub.ts';
import { renderView, type RenderView } from './render-view.ts';

/** At most one progress send per follower per this long; the latest state goes out. */
export const PROGRESS_COALESCE_MS = 200;

/** What a feed pushes views to: one event stream. */
export interface FeedFollower {
  publish(view: RenderView, segment: number | undefined): void;
}

interface FeedDeps {
  redis: Redis;
  prefix: string;
  store: RenderStore;
  stitchQueue: Queue;
  events: RenderEventHub;
  onReadError: (error: unknown) => void;
}

/**
 * One render as every follower in this process sees it: a single pub/sub listener and one
 * state for all of them. A segment message updates progress from the message itself (its
 * index and whether it was cached: the done set, so a repeated delivery counts once), and
 * bursts are coalesced into one send per PROGRESS_COALESCE_MS. Only a status message (a few
 * per render) and the heartbeat read the render from Redis, once for all followers.
 */
export class RenderFeed {
  readonly #deps: FeedDeps;
  readonly #id: string;
  readonly #followers = new Set<FeedFollower>();
  #state!: RenderState;
  readonly #done = new Set<number>();
  readonly #cached = new Set<number>();
  #charsDone = 0;
  /** Why the render waits (from the workers' heartbeats), read again on each reconciling read. */
  #waiting: string | undefined;
  /** Characters of each segment counted from a message (a message carries them). */
  readonly #chars = new Map<number, number>();
  #lastSegment: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastFlushAt = 0;
  #chain: Promise<void> = Promise.resolve();
  #unlisten: () => void = () => undefined;

  private constructor(deps: FeedDeps, id: string) {
    this.#deps = deps;
    this.#id = id;
  }

  /** Listens, then reads the render (so nothing in between is missed); null when there is none. */
  static async open(deps: FeedDeps, id: string): Promise<RenderFeed | null> {
    const feed = new RenderFeed(deps, id);
    const early: RenderEvent[] = [];
    let deliver = (event: RenderEvent): void => void early.push(event);
    feed.#unlisten = await deps.events.listen(id, (event) => deliver(event));
    try {
      if (!(await feed.#read(true))) {
        feed.close();
        return null;
      }
    } catch (error) {
      feed.close();
      throw error;
    }
    deliver = (event) => feed.#onEvent(event);
    for (const event of early) feed.#onEvent(event);
    return feed;
  }

  get followers(): number {
    return this.#followers.size;
  }

  view(): RenderView {
    return renderView(
      { ...this.#state, segmentsDone: this.#done.size, cachedSegments: this.#cached.size, charsDone: this.#charsDone },
      Date.now(),
      this.#waiting,
    );
  }

  add(follower: FeedFollower): () => void {
    this.#followers.add(follower);
    return () => this.#followers.delete(follower);
  }

  /** The heartbeat's reconciling read (a flow failed by BullMQ itself sends no message). */
  refresh(): void {
    this.#then(async () => {
      if (await this.#read(true)) this.#flush();
    });
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unlisten();
  }

  #onEvent(event: RenderEvent): void {
    if (event.segment !== undefined) {
      this.#count(event.segment, event.cached === true, event.chars);
      this.#lastSegment = event.segment;
      this.#schedule();
    }
    if (event.status !== undefined) {
      this.#then(async () => {
        if (await this.#read(false)) this.#flush();
      });
    }
  }

  #count(index: number, cached: boolean, chars: number | undefined): void {
    if (!this.#done.has(index)) {
      this.#done.add(index);
      if (chars !== undefined) {
        this.#chars.set(index, chars);
        this.#charsDone += chars;
      }
    }
    if (cached) this.#cached.add(index);
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastFlushAt + PROGRESS_COALESCE_MS - Date.now());
    this.#timer = setTimeout(() => this.#then(() => Promise.resolve(this.#flush())), wait);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastFlushAt = Date.now();
    const view = this.view();
    for (const follower of [...this.#followers]) follower.publish(view, this.#lastSegment);
  }

  /** Reads the record and the done sets; merges, never forgets a segment a message reported. */
  async #read(reconcile: boolean): Promise<boolean> {
    const keys = renderKeys(this.#deps.prefix, this.#id);
    const [state, done, cached] = await Promise.all([
      reconcile ? getRenderStatus(this.#deps.store, this.#deps.stitchQueue, this.#id) : this.#deps.store.get(this.#id),
      this.#deps.redis.smembers(keys.done),
      this.#deps.redis.smembers(keys.cached),
    ]);
    if (!state) return false;
    this.#state = state;
    // The heartbeat is also when the workers' state is read again (it changes on their time).
    if (reconcile)
      this.#waiting = budgetWait(state.spec.budget) ?? (await waitingReason(this.#deps.redis, this.#deps.prefix, state.spec.provider));
    // The record's counter covers the done set as read; a segment a message reported that the
    // read did not see yet keeps the characters its message carried.
    const doneSet = new Set(done.map(Number));
    let charsDone = state.charsDone;
    for (const index of this.#done) if (!doneSet.has(index)) charsDone += this.#chars.get(index) ?? 0;
    for (const index of doneSet) this.#done.add(index);
    for (const index of cached) this.#cached.add(Number(index));
    this.#charsDone = charsDone;
    return true;
  }

  /** One read or send at a time, in order; a failed read waits for the next message or heartbeat. */
  #then(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(async () => {
      try {
        await step();
      } catch (error) {
        this.#deps.onReadError(error);
      }
    });
  }
}

/** The feeds of this API process, one per followed render, gone when its last follower leaves. */
export class RenderFeeds {
  readonly #deps: FeedDeps;
  readonly #opening = new Map<string, Promise<RenderFeed | null>>();
  readonly #open = new Map<string, RenderFeed>();

  constructor(deps: FeedDeps) {
    this.#deps = deps;
  }

  /** The render's feed, opened for the first follower; null when there is no such render. */
  join(id: string): Promise<RenderFeed | null> {
    let opening = this.#opening.get(id);
    if (!opening) {
      const started = RenderFeed.open(this.#deps, id);
      opening = started;
      this.#opening.set(id, started);
      const settle = (feed: RenderFeed | null): void => {
        if (this.#opening.get(id) !== started) return;
        if (feed) this.#open.set(id, feed);
        else this.#opening.delete(id);
      };
      started.then(settle, () => settle(null));
    }
    return opening;
  }

  /** A follower left: the last one closes the feed at once, so nobody joins a closed feed. */
  release(id: string, feed: RenderFeed): void {
    if (feed.followers > 0) return;
    feed.close();
    if (this.#open.get(id) === feed) {
      this.#open.delete(id);
      this.#opening.delete(id);
    }
  }

  close(): void {
    for (const feed of this.#open.values()) feed.close();
    this.#open.clear();
    this.#opening.clear();
  }
}
