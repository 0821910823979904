import type { Dispatcher } from 'undici';

/**
 * Destroying a body nobody listens to emits an 'error' (undici's RequestAbortedError) that would
 * surface as an uncaught exception; whatever was wanted from the body is read by then.
 */
export function destroyQuietly(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed) return;
  body.on('error', () => undefined);
  body.destroy();
}
