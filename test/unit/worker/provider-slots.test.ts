import { describe, expect, it } from 'vitest';
import { jobLookahead, ProviderSlots } from '../../../src/worker/provider-slots.ts';

describe('ProviderSlots', () => {
  it('lets `size` holders in, queues the rest in order, and hands a released slot straight to the next', async () => {
    const slots = new ProviderSlots(2);
    const a = await slots.acquire();
    const b = await slots.acquire();
    const order: string[] = [];
    const c = slots.acquire().then((release) => (order.push('c'), release));
    const d = slots.acquire().then((release) => (order.push('d'), release));
    expect(slots.busy).toBe(2);
    a();
    a(); // twice counts once
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(slots.busy).toBe(2);
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(slots.busy).toBe(0);
  });

  it('an abort while waiting gives up the place in line and throws the reason', async () => {
    const slots = new ProviderSlots(1);
    const held = await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    const after = slots.acquire();
    controller.abort(new Error('render cancelled'));
    await expect(waiting).rejects.toThrow('render cancelled');
    held();
    const release = await after;
    expect(slots.busy).toBe(1);
    release();
    expect(slots.busy).toBe(0);
  });

  it('holds a quarter more jobs than slots, at least one', () => {
    expect(jobLookahead(16)).toBe(4);
    expect(jobLookahead(4)).toBe(1);
    expect(jobLookahead(1)).toBe(1);
  });
});
