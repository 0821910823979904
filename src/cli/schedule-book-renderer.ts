import { parseQaRequest } from '../verify/qa-record.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { enqueueRender } from '../producer/enqueue-render.ts';
import { checkMaxUnits } from '../producer/render-budget.ts';
import { storeCover } from '../producer/store-cover.ts';
import { storeReadAlongSource } from '../producer/store-read-along-source.ts';
import { nameOfInputFile } from '../render/book-name.ts';
import type { AppConfig } from '../runtime/app-config.ts';
import type { ScheduledBookRenderer } from '../worker/schedule-run-processor.ts';
import { estimatePrepared } from './estimate-command.ts';
import { prepareRender } from './prepare-render.ts';
import type { RenderCommandOptions } from './render-command-options.ts';

/**
 * How a schedule's run renders one book: the schedule's options as the render command's flags,
 * through the same preparation (prepareRender: every check, the plan) and enqueue as
 * `tts-batch render FILE`, so a scheduled book is the render that command line would start. The
 * bytes the run hashed are what is read (a copy in a temp folder, named like the book, since the
 * name says its format and names the output), so the hash recorded is the text rendered.
 */
export function scheduledBookRenderer(config: AppConfig): ScheduledBookRenderer {
  return async ({ definition, path: bookPath, bytes, renderId }, deps) => {
    const folder = await mkdtemp(path.join(tmpdir(), 'ttsb-schedule-'));
    try {
      const file = path.join(folder, path.posix.basename(bookPath));
      await writeFile(file, bytes);
      const { settings, maxUnits, ...flags } = definition.render;
      const opts: RenderCommandOptions = { ...definedOnly(flags), settingFlags: settings ?? {}, out: definition.output, id: renderId };
      const prepared = await prepareRender(file, opts, config);
      if (maxUnits !== undefined) checkMaxUnits(await estimatePrepared(prepared, deps.outputStorage, config), maxUnits);
      const { definition: provider, options, input, tags, delivery, cover, readAlongSource, limits, lexicon, plan, output } = prepared;
      // The providers' daily budgets hold for scheduled books too: a book past what is left waits for the next window.
      await enqueueRender(
        { ...deps, budgets: { unitsPerWindow: config.PROVIDER_DAILY_BUDGET, windowMs: config.BUDGET_WINDOW_MS } },
        {
          id: renderId,
          title: tags.title,
          priority: definition.render.priority,
          qa: parseQaRequest(definition.render.qa, definition.render.maxTakes),
          plan,
          source: input.source,
          provider,
          options,
          output,
          ...(lexicon === undefined ? {} : { lexicon: { entries: lexicon, limits } }),
          delivery: {
            options: delivery,
            name: nameOfInputFile(bookPath),
            ...(cover === undefined ? {} : { cover: await storeCover(deps.outputStorage, cover) }),
            ...(readAlongSource === undefined ? {} : { readAlong: await storeReadAlongSource(deps.outputStorage, readAlongSource) }),
          },
        },
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  };
}

/** The stored options are the render flags by name; an unset one is left out, as commander leaves it out. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
