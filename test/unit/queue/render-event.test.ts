import { describe, expect, it } from 'vitest';
import { parseRenderEvent } from '../../../src/queue/render-event.ts';

describe('parseRenderEvent', () => {
  it('reads the messages the render store publishes', () => {
    expect(parseRenderEvent('{"id":"r1","status":"cancelled"}')).toEqual({ id: 'r1', status: 'cancelled' });
    expect(parseRenderEvent('{"id":"r1","segment":3,"cached":true,"chars":120}')).toEqual({
      id: 'r1',
      segment: 3,
      cached: true,
      chars: 120,
    });
  });

  it('keeps no field the message lacks', () => {
    expect(Object.keys(parseRenderEvent('{"id":"r1"}') ?? {})).toEqual(['id']);
  });

  it('refuses what is not a render event', () => {
    for (const message of ['not json', '[]', '{"status":"failed"}', '{"id":"r1","status":"exploded"}', '{"id":"r1","chars":-1}']) {
      expect(parseRenderEvent(message)).toBeUndefined();
    }
  });
});
