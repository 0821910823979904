import type { ApiContext } from '../api-context.ts';
import type { ApiApp } from '../api-app.ts';
import { schedulesCreateRoute } from './schedules-create.ts';
import { schedulesReadRoutes } from './schedules-read.ts';
import { schedulesRemoveRoute } from './schedules-remove.ts';
import { schedulesRunRoute } from './schedules-run.ts';

/** The /v1/schedules routes (docs/api.md, docs/fleet.md "Nightly schedules"). */
export function scheduleRoutes(app: ApiApp, ctx: ApiContext): void {
  schedulesCreateRoute(app, ctx);
  schedulesReadRoutes(app, ctx);
  schedulesRemoveRoute(app, ctx);
  schedulesRunRoute(app, ctx);
}
