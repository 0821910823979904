import { parseChapterSelection } from '../book/chapter-selection.ts';
import type { AppConfig } from '../runtime/app-config.ts';
import type { ProviderDefinition } from '../providers/provider-definition.ts';
import { providerDefinition } from '../providers/registry.ts';
import type { ScheduleRender } from '../render/schedule-definition.ts';
import { parsePauseList, resolvePauseRules } from '../text/pause-rules.ts';
import { checkPausesForProfile, resolveDelivery, segmentFormatAsked } from './delivery-options.ts';
import { resolveRenderOptions } from './render-options.ts';

/**
 * Checks a schedule's render options as far as they can be without a book, with the same
 * functions a render checks them with (provider and settings, delivery, pauses, chapters, the
 * voice), so a bad flag is refused when the schedule is added, not at 2 am. What depends on a
 * book (chapters past its end, read-along on a text file) is each run's to report, per book.
 */
export function checkScheduleRender(
  render: ScheduleRender,
  config: AppConfig,
  lookup: (name: string) => ProviderDefinition = providerDefinition,
): void {
  const definition = lookup(render.provider);
  const options = resolveRenderOptions(definition, {
    model: render.model,
    voice: render.voice,
    format: segmentFormatAsked(render),
    sampleRate: render.sampleRate,
    bitrate: render.bitrate,
    channels: render.channels,
    voiceSettings: { ...render.settings },
  });
  const delivery = resolveDelivery(render, options.audio, options.voice);
  const pauses = resolvePauseRules('pauses', render.pauses === undefined ? undefined : parsePauseList(render.pauses));
  checkPausesForProfile('pauses', delivery, pauses);
  if (render.chapters !== undefined) parseChapterSelection(render.chapters, Number.POSITIVE_INFINITY);
  definition.validateVoice?.(options.voice, config, options);
}
