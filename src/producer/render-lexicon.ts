import { readTextFile } from '../book/read-input-file.ts';
import type { LexiconEntry } from '../text/lexicon/lexicon-entry.ts';
import { mergeLexicons, parseLexicon } from '../text/lexicon/parse-lexicon.ts';

/** Where a render's pronunciations come from: the deployment's default file and the render's own lexicon text. */
export interface LexiconSources {
  /** LEXICON_FILE: the deployment's default, applied to every render. */
  defaultFile?: string | undefined;
  /** The render's own lexicon text (`--lexicon FILE`'s content, or the API's `lexicon`), and the field it came in. */
  own?: { text: string; field: string } | undefined;
}

/**
 * The render's lexicon: its own entries merged over the default's (its entry wins for the same
 * written form). Undefined when there is neither, so a render without one is enqueued exactly as
 * before lexicons existed. The default is read per render: an edit to it applies to the next one.
 */
export async function resolveLexicon(sources: LexiconSources): Promise<LexiconEntry[] | undefined> {
  if (sources.defaultFile === undefined && sources.own === undefined) return undefined;
  const defaults =
    sources.defaultFile === undefined ? [] : parseLexicon(await readTextFile(sources.defaultFile, 'LEXICON_FILE'), 'LEXICON_FILE');
  const own = sources.own === undefined ? [] : parseLexicon(sources.own.text, sources.own.field);
  return mergeLexicons(defaults, own);
}
