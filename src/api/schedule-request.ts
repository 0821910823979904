import { InputError } from '../errors/input-error.ts';
import { checkScheduleRender } from '../producer/check-schedule-render.ts';
import type { ScheduleRequest } from '../producer/manage-schedules.ts';
import { checkScheduleSource } from '../producer/schedule-source.ts';
import { checkTiming } from '../producer/schedule-timing.ts';
import { assertScheduleName, scheduleRenderSchema } from '../render/schedule-definition.ts';
import { assertWebhookUrl } from '../webhooks/webhook-url.ts';
import type { ApiContext } from './api-context.ts';
import type { CreateScheduleBody } from './schedule-schemas.ts';

/**
 * POST /v1/schedules's body, checked as `schedule add` checks its flags (name, timing, render
 * options, source, output, webhook): bad input is one 400 naming the field, before Redis. The
 * source, read by the workers, is held to the output policy's roots like an output.
 */
export async function prepareScheduleRequest(body: CreateScheduleBody, ctx: ApiContext): Promise<ScheduleRequest> {
  const name = assertScheduleName(body.name);
  const timing = checkTiming({ cron: body.cron, every: body.every, tz: body.tz });
  const parsed = scheduleRenderSchema.safeParse(body.render);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(['render', ...(issue?.path ?? [])].join('.'), issue?.message ?? 'invalid');
  }
  const render = parsed.data;
  checkScheduleRender(render, ctx.config, (provider) => {
    const definition = ctx.providers.get(provider);
    if (!definition)
      throw new InputError('render.provider', `unknown provider "${provider}"; known: ${[...ctx.providers.keys()].join(', ')}`, provider);
    return definition;
  });
  const source = await checkScheduleSource(withinRoots(ctx, body.source));
  const output = ctx.outputs.resolve(body.output);
  const webhook =
    body.webhook === undefined ? undefined : { url: assertWebhookUrl(body.webhook.url, ctx.webhookAddresses), secret: body.webhook.secret };
  return { name, timing, source, output, render, webhook };
}

function withinRoots(ctx: ApiContext, source: string): string {
  try {
    return ctx.outputs.resolve(source);
  } catch (error) {
    if (error instanceof InputError) throw new InputError('source', error.message.slice(error.field.length + 2), source);
    throw error;
  }
}
