import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.ts';
import { basicAuth } from './auth.ts';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues, behind HTTP Basic auth (password: an API token). Read-only on
 * purpose: retrying or deleting a job behind the render store's back would leave a render's
 * status and its jobs telling different stories.
 */
export async function registerBullBoard(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: ctx.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'tts-batch' } },
  });
  await app.register(async (admin) => {
    admin.addHook('onRequest', basicAuth(ctx.verifyToken, 'tts-batch admin'));
    await admin.register(serverAdapter.registerPlugin(), { prefix: BULL_BOARD_PATH });
  });
}
