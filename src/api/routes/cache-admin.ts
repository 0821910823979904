import { z } from 'zod';
import { evictSegments } from '../../cache/evict-segments.ts';
import { MAX_UNUSED_DAYS, pruneSegments } from '../../cache/prune-segments.ts';
import { InputError } from '../../errors/input-error.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';

const cacheReportSchema = z.object({
  dryRun: z.boolean(),
  deletedObjects: z.number().int().describe('segment objects (audio and sidecars) removed, or that would be'),
  deletedBytes: z.number().int(),
  keptObjects: z.number().int().describe('segment objects looked at and kept (prune)'),
  keptBytes: z.number().int(),
  deleted: z.array(z.string()).describe('the removed keys, sorted'),
});

const outputField = z
  .string()
  .min(1)
  .optional()
  .describe('the output holding the cache (default API_DEFAULT_OUTPUT; inside API_OUTPUT_ROOT)');
const dryRunField = z.boolean().default(false).describe('only report what would be deleted');

const evictBody = z.strictObject({
  render: z.string().min(1).optional().describe('evict every segment of this finished render'),
  key: z.string().min(1).optional().describe('or one segment key: .segments/<provider>/<xx>/<sha256>.<format>'),
  output: outputField,
  dryRun: dryRunField,
});

const pruneBody = z.strictObject({
  unusedDays: z
    .number()
    .positive()
    .max(MAX_UNUSED_DAYS)
    .describe('delete segments neither written nor used by a manifest within this many days'),
  output: outputField,
  dryRun: dryRunField,
});

const adminErrors = { ...commonErrors, 403: errorBodySchema.describe('an API token, not an admin token (API_ADMIN_TOKENS)') } as const;

/** POST /v1/cache/evict and /v1/cache/prune: the `tts-batch cache` commands, for admins. */
export function cacheAdminRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/evict',
    {
      schema: {
        summary: 'Evict cached segments: those of one render, or one key (admin)',
        tags: ['cache'],
        security: BEARER_SECURITY,
        body: evictBody,
        response: { 200: cacheReportSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { render, key, output, dryRun } = request.body;
      if ((render === undefined) === (key === undefined)) throw new InputError('render', 'give either render or key, not both or neither');
      const storage = ctx.storages.get(ctx.outputs.resolve(output));
      const report = await evictSegments({
        storage,
        store: ctx.store,
        target: render === undefined ? { key: key ?? '' } : { render },
        dryRun,
      });
      request.log.info({ render, key, dryRun, deletedObjects: report.deletedObjects, deletedBytes: report.deletedBytes }, 'cache evicted');
      return report;
    },
  );
  app.post(
    '/prune',
    {
      schema: {
        summary: 'Prune cached segments unused for N days (admin)',
        tags: ['cache'],
        security: BEARER_SECURITY,
        body: pruneBody,
        response: { 200: cacheReportSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { unusedDays, output, dryRun } = request.body;
      const storage = ctx.storages.get(ctx.outputs.resolve(output));
      const report = await pruneSegments({ storage, store: ctx.store, unusedDays, dryRun });
      request.log.info({ unusedDays, dryRun, deletedObjects: report.deletedObjects, deletedBytes: report.deletedBytes }, 'cache pruned');
      return report;
    },
  );
}
