import { parseInputFormat } from '../book/detect-format.ts';
import { WebhookAddressPolicy } from '../config/webhook-address-policy.ts';
import { readTextFile } from '../book/read-input-file.ts';
import { InputError } from '../errors/input-error.ts';
import { providerDefinition } from '../providers/registry.ts';
import { parseRenderPriority } from '../render/render-priority.ts';
import { parseQaRequest } from '../verify/qa-record.ts';
import { scheduleRenderSchema, type ScheduleRender } from '../render/schedule-definition.ts';
import type { AppConfig } from '../runtime/app-config.ts';
import { assertWebhookUrl } from '../webhooks/webhook-url.ts';
import type { RenderCommandOptions } from './render-command-options.ts';
import { cliVoiceSettings } from './setting-flags.ts';

/** `schedule add`'s flags: the render command's (addRenderFlags), and when, where from, and the webhook. */
export interface ScheduleAddOptions extends RenderCommandOptions {
  cron?: string;
  every?: number;
  tz?: string;
  source: string;
  webhook?: string;
  webhookSecretFile?: string;
}

/** Render flags that name one render: a schedule renders a library. Refused by name, never ignored. */
const ONE_RENDER_FLAGS = {
  id: '--id names one render; each book of a run gets an id of its own',
  title: "--title names one book; each book is named by its own title, else its file's name",
  cover: "--cover is one book's; each book keeps its own cover",
  lexicon: '--lexicon is a file on this machine, read by the workers on theirs; give the workers LEXICON_FILE instead',
} as const;

/**
 * The render options a schedule keeps, from the same flags `render` takes: the provider's setting
 * flags and `--set` read now, as render reads them, into `settings`. Bad input is one InputError
 * naming the field.
 */
export function scheduleRenderOf(opts: ScheduleAddOptions): ScheduleRender {
  for (const [field, why] of Object.entries(ONE_RENDER_FLAGS))
    if ((opts as unknown as Record<string, unknown>)[field] !== undefined) throw new InputError(field, why);
  const definition = providerDefinition(opts.provider);
  const settings = cliVoiceSettings(definition.settingAliases ?? [], opts.settingFlags ?? {}, opts.set ?? []);
  const candidate = {
    provider: opts.provider,
    voice: opts.voice,
    model: opts.model,
    profile: opts.profile,
    format: opts.format,
    split: opts.split,
    subtitles: opts.subtitles,
    priority: parseRenderPriority(opts.priority),
    ...qaFlags(opts),
    readAlong: opts.readAlong,
    outputBitrate: opts.outputBitrate,
    segmentFormat: opts.segmentFormat,
    sampleRate: opts.sampleRate,
    bitrate: opts.bitrate,
    channels: opts.channels,
    settings: Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
    author: opts.author,
    narrator: opts.narrator,
    year: opts.year,
    genre: opts.genre,
    language: opts.language,
    inputFormat: opts.inputFormat === undefined ? undefined : parseInputFormat(opts.inputFormat),
    chapters: opts.chapters,
    skipFrontMatter: opts.skipFrontMatter,
    speakHeadings: opts.speakHeadings,
    chapterLevel: opts.chapterLevel,
    speakCode: opts.speakCode,
    pauses: opts.pauses,
    maxUnits: opts.maxUnits,
  };
  const parsed = scheduleRenderSchema.safeParse(Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.path.join('.') || 'render', issue?.message ?? 'invalid');
  }
  return parsed.data;
}

/** `--webhook URL` with `--webhook-secret-file FILE` (a secret on the command line would show in `ps`): events are always signed. */
export async function scheduleWebhookOf(
  opts: Pick<ScheduleAddOptions, 'webhook' | 'webhookSecretFile'>,
  config: AppConfig,
): Promise<{ url: string; secret: string } | undefined> {
  if (opts.webhook === undefined) {
    if (opts.webhookSecretFile !== undefined) throw new InputError('webhookSecretFile', 'goes with --webhook URL');
    return undefined;
  }
  const url = assertWebhookUrl(opts.webhook, new WebhookAddressPolicy(config.WEBHOOK_ALLOW_HOSTS));
  if (opts.webhookSecretFile === undefined)
    throw new InputError('webhookSecretFile', 'is needed with --webhook: events are signed with the secret it holds (16–256 characters)');
  const secret = (await readTextFile(opts.webhookSecretFile, 'webhookSecretFile')).trim();
  if (secret.length < 16 || secret.length > 256)
    throw new InputError('webhookSecretFile', `must hold a secret of 16–256 characters, not ${secret.length}`);
  return { url, secret };
}

/** `--qa` / `--max-takes` as the schedule keeps them: checked now, stored as asked (absent: the default, on). */
function qaFlags(opts: ScheduleAddOptions): { qa?: string; maxTakes?: number } {
  parseQaRequest(opts.qa, opts.maxTakes);
  return { ...(opts.qa === undefined ? {} : { qa: opts.qa }), ...(opts.maxTakes === undefined ? {} : { maxTakes: opts.maxTakes }) };
}
