import { readFile } from 'node:fs/promises';
import { InputError } from '../errors/input-error.ts';
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
    sources.defaultFile === undefined ? [] : parseLexicon(await readLexiconFile(sources.defaultFile, 'LEXICON_FILE'), 'LEXICON_FILE');
  const own = sources.own === undefined ? [] : parseLexicon(sources.own.text, sources.own.field);
  return mergeLexicons(defaults, own);
}

/** A lexicon file's UTF-8 text; a missing, unreadable or non-UTF-8 file is an InputError naming `field`. */
export async function readLexiconFile(path: string, field: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(field, `${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')}: ${path}`, path);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(field, `is not valid UTF-8 text: ${path}`, path);
  }
}
