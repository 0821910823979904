import { describe, expect, it } from 'vitest';
import type { ProviderError } from '../../../../src/errors/provider-error.ts';
import { sendTaskText } from '../../../../src/providers/cosyvoice/text-sender.ts';

describe('sendTaskText', () => {
  it('sends every frame in order, each after the previous one was written', async () => {
    const sent: string[] = [];
    let inFlight = 0;
    const outcome = await sendTaskText({
      frames: ['a', 'b', 'c', 'finish'],
      guardMs: 10_000,
      onStall: () => {
        throw new Error('no stall expected');
      },
      send: async (frame) => {
        inFlight += 1;
        expect(inFlight, 'one frame at a time').toBe(1);
        await Promise.resolve();
        sent.push(frame);
        inFlight -= 1;
      },
    });
    expect(outcome).toBe('sent');
    expect(sent).toEqual(['a', 'b', 'c', 'finish']);
  });

  it('gives up on a frame that cannot go out within the guard, reporting it once, and sends nothing after it', async () => {
    const sent: string[] = [];
    const stalls: ProviderError[] = [];
    const outcome = await sendTaskText({
      frames: ['a', 'b', 'c'],
      guardMs: 20,
      onStall: (error) => stalls.push(error),
      // The second frame never completes: a server that stopped reading.
      send: (frame) => (frame === 'b' ? new Promise<void>(() => undefined) : Promise.resolve(void sent.push(frame))),
    });
    expect(outcome).toBe('stopped');
    expect(sent).toEqual(['a']);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toMatchObject({ kind: 'retryable', providerCode: 'SEND_STALLED' });
    expect(stalls[0]?.message).toMatch(/message 2 of 3 could not be sent within 20 ms/);
  });

  it('stops quietly when the socket is gone (the reader reports the close)', async () => {
    const outcome = await sendTaskText({
      frames: ['a', 'b'],
      guardMs: 10_000,
      onStall: () => {
        throw new Error('no stall expected');
      },
      send: () => Promise.reject(new Error('the socket is not open')),
    });
    expect(outcome).toBe('stopped');
  });
});
