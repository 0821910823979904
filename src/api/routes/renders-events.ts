import { z } from 'zod';
import { assertRenderId } from '../../render/render-id.ts';
import { TERMINAL_STATUSES } from '../../render/render-record.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, renderIdParams, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { renderNotFound } from '../http-error.ts';
import type { FeedFollower } from '../render-feed.ts';
import type { RenderView } from '../render-view.ts';
import { openEventStream, type EventStream } from '../sse-stream.ts';

const STREAM_DESCRIPTION = [
  'text/event-stream. First `snapshot` (the render as GET /v1/renders/{id} shows it), then one event per change:',
  '`progress` when more segments are done (with `segment`, the index of the latest; at most one every 200 ms, with the latest counts) and `status` when the status moves;',
  '`waiting` when the reason it waits (field `waiting`, e.g. no worker with valid credentials) appears, changes or clears (read again every heartbeat).',
  'The stream ends after the event that carries a final status (completed, failed, cancelled).',
  'Comment lines (": keep-alive") come every API_SSE_HEARTBEAT_MS.',
].join(' ');

/** GET /v1/renders/:id/events: server-sent events of a render's progress until it ends. */
export function rendersEventsRoute(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/renders/:id/events',
    {
      schema: {
        summary: 'Follow a render with server-sent events',
        tags: ['renders'],
        security: BEARER_SECURITY,
        params: renderIdParams,
        response: {
          200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: z.string() } } },
          ...commonErrors,
          404: errorBodySchema.describe('no such render'),
        },
      },
    },
    async (request, reply) => {
      const id = assertRenderId(request.params.id);
      // Every follower of a render shares one feed: one listener, one state, reads only on status changes.
      const feed = await ctx.feeds.join(id);
      if (!feed) throw renderNotFound(id);
      const stream = openEventStream(reply);
      const follower = new RenderFollower(stream, feed.view());
      const leave = feed.add(follower);
      ctx.streams.add(stream);
      const heartbeat = setInterval(() => {
        stream.comment('keep-alive');
        feed.refresh();
      }, ctx.config.API_SSE_HEARTBEAT_MS);
      stream.onClose(() => {
        clearInterval(heartbeat);
        leave();
        ctx.feeds.release(id, feed);
        ctx.streams.delete(stream);
      });
      return reply;
    },
  );
}

/**
 * One event stream: sends what moved since its last event. Views come from the render's feed
 * (render-feed.ts), already coalesced; a view that changes nothing this stream showed is dropped.
 */
class RenderFollower implements FeedFollower {
  readonly #stream: EventStream;
  #last: RenderView;

  constructor(stream: EventStream, snapshot: RenderView) {
    this.#stream = stream;
    this.#last = snapshot;
    stream.send('snapshot', snapshot);
    if (TERMINAL_STATUSES.has(snapshot.status)) stream.end();
  }

  publish(view: RenderView, segment: number | undefined): void {
    if (this.#stream.closed) return;
    if (view.status !== this.#last.status) {
      this.#stream.send('status', view);
    } else if (view.progress.segmentsDone !== this.#last.progress.segmentsDone) {
      this.#stream.send('progress', segment === undefined ? view : { ...view, segment });
    } else if (view.waiting !== this.#last.waiting) {
      this.#stream.send('waiting', view);
    } else {
      return;
    }
    this.#last = view;
    if (TERMINAL_STATUSES.has(view.status)) this.#stream.end();
  }
}
