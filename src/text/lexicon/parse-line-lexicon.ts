import { InputError } from '../../errors/input-error.ts';
import { canonicalAlphabet, type LexiconEntry } from './lexicon-entry.ts';
import { checkFieldLength } from './lexicon-limits.ts';

/**
 * The line format (docs/lexicon.md), one entry a line:
 *
 *     # a comment (a line whose first non-blank character is #); blank lines are skipped
 *     Hermione = her-MY-oh-nee
 *     nguyen = win /wɪn/
 *     Siobhan = /ʃɪˈvɔːn/
 *     重庆 = [pinyin: chong2 qing4]
 *     好干净 = [hao4]干净
 *
 * The written form is everything before the first `=` (so it holds no `=`; it may hold spaces and
 * `#`), trimmed. After the `=`: a respelling, a phonetic form, or both, respelling first. A
 * phonetic form ends the line: `/…/` is IPA, `[ALPHABET: …]` names its alphabet (`pinyin` is
 * written `py`, as DashScope's SSML names it). A `[…]` without a colon is part of the respelling.
 */
const PHONETIC_END = /(?:^|\s)(?:\/([^/]+)\/|\[([A-Za-z][A-Za-z0-9-]*)\s*:\s*([^\]]*)\])\s*$/u;

export function parseLineLexicon(text: string, field = 'lexicon'): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  const firstLine = new Map<string, number>();
  text.split(/\r\n|\n|\r/u).forEach((raw, index) => {
    const lineNumber = index + 1;
    const where = `line ${lineNumber}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const equals = line.indexOf('=');
    if (equals < 0) throw new InputError(field, `${where}: expected "word = respelling", found no "="`, raw);
    const written = line.slice(0, equals).trim().normalize('NFC');
    if (written === '') throw new InputError(field, `${where}: nothing before the "="`, raw);
    checkFieldLength(field, where, 'written form', written);
    const entry = parseValue(line.slice(equals + 1).trim(), written, field, where);
    const earlier = firstLine.get(written);
    if (earlier !== undefined) throw new InputError(field, `${where}: "${written}" is already given on line ${earlier}`, raw);
    firstLine.set(written, lineNumber);
    entries.push(entry);
  });
  return entries;
}

function parseValue(value: string, written: string, field: string, where: string): LexiconEntry {
  const phonetic = PHONETIC_END.exec(value);
  const respelling = (phonetic === null ? value : value.slice(0, phonetic.index)).trim();
  const entry: LexiconEntry = { written };
  if (respelling !== '') {
    checkFieldLength(field, where, 'respelling', respelling);
    entry.respelling = respelling;
  }
  if (phonetic !== null) {
    const [, ipa, alphabet, form] = phonetic;
    const phoneme = ipa !== undefined ? { alphabet: 'ipa', value: ipa.trim() } : phonemeOf(alphabet ?? '', form ?? '');
    if (phoneme.value === '') throw new InputError(field, `${where}: the ${phoneme.alphabet} form is empty`);
    checkFieldLength(field, where, `${phoneme.alphabet} form`, phoneme.value);
    entry.phoneme = phoneme;
  }
  if (entry.respelling === undefined && entry.phoneme === undefined) {
    throw new InputError(field, `${where}: "${written}" has nothing after the "=" (a respelling, /ipa/ or [alphabet: …])`);
  }
  return entry;
}

function phonemeOf(alphabet: string, form: string): { alphabet: string; value: string } {
  return { alphabet: canonicalAlphabet(alphabet), value: form.trim() };
}
