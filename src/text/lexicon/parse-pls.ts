import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../../errors/input-error.ts';
import { canonicalAlphabet, type LexiconEntry } from './lexicon-entry.ts';
import { checkFieldLength } from './lexicon-limits.ts';

/**
 * W3C Pronunciation Lexicon Specification 1.0 (the format Polly, Azure and ElevenLabs take):
 * `<lexicon version="1.0" alphabet="ipa">` holding `<lexeme>`s, each with one or more
 * `<grapheme>` (the written forms) and a `<phoneme>` (in the lexicon's alphabet unless it names
 * its own) and/or an `<alias>` (a respelling). Every grapheme of a lexeme becomes one entry with
 * the lexeme's pronunciation; of several phonemes or aliases the one marked `prefer="true"`, else
 * the first, is taken. A DOCTYPE is refused: PLS needs none, and entity declarations are how an
 * XML file grows a billion-fold in memory.
 */
const ARRAYS = new Set(['lexeme', 'grapheme', 'phoneme', 'alias']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

type XmlNode = string | { '#text'?: string; [attribute: string]: unknown };

export function parsePls(text: string, field = 'lexicon'): LexiconEntry[] {
  if (/<!DOCTYPE/iu.test(text)) throw new InputError(field, 'a PLS lexicon with a DOCTYPE is refused (PLS needs none)');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new InputError(field, `line ${valid.err.line}: not well-formed XML: ${valid.err.msg}`);
  const document = parser.parse(text) as Record<string, unknown>;
  const lexicon = document.lexicon as Record<string, unknown> | undefined;
  if (lexicon === undefined || typeof lexicon !== 'object') throw new InputError(field, 'a PLS lexicon has <lexicon> as its root element');
  const version = lexicon['@_version'];
  if (version !== undefined && version !== '1.0') throw new InputError(field, `PLS version ${JSON.stringify(version)}: only 1.0 is read`);
  const lexiconAlphabet = typeof lexicon['@_alphabet'] === 'string' ? lexicon['@_alphabet'] : 'ipa';
  const lexemes = (lexicon.lexeme ?? []) as Record<string, unknown>[];
  const lines = lexemeLines(text);
  const entries: LexiconEntry[] = [];
  const seen = new Map<string, string>();
  lexemes.forEach((lexeme, index) => {
    const where = `line ${lines[index] ?? '?'} (lexeme ${index + 1})`;
    const graphemes = ((lexeme.grapheme ?? []) as XmlNode[]).map((node) => textOf(node).normalize('NFC')).filter((g) => g !== '');
    if (graphemes.length === 0) throw new InputError(field, `${where}: a <lexeme> needs a non-empty <grapheme>`);
    const phonemeNode = preferred((lexeme.phoneme ?? []) as XmlNode[]);
    const aliasNode = preferred((lexeme.alias ?? []) as XmlNode[]);
    const respelling = aliasNode === undefined ? '' : textOf(aliasNode);
    const phonemeValue = phonemeNode === undefined ? '' : textOf(phonemeNode);
    if (respelling === '' && phonemeValue === '') throw new InputError(field, `${where}: a <lexeme> needs a <phoneme> or an <alias>`);
    const pronunciation: Omit<LexiconEntry, 'written'> = {};
    if (respelling !== '') {
      checkFieldLength(field, where, 'alias', respelling);
      pronunciation.respelling = respelling;
    }
    if (phonemeValue !== '') {
      checkFieldLength(field, where, 'phoneme', phonemeValue);
      const own = typeof phonemeNode === 'object' ? phonemeNode['@_alphabet'] : undefined;
      pronunciation.phoneme = { alphabet: canonicalAlphabet(typeof own === 'string' ? own : lexiconAlphabet), value: phonemeValue };
    }
    for (const written of graphemes) {
      checkFieldLength(field, where, 'grapheme', written);
      const earlier = seen.get(written);
      if (earlier !== undefined) throw new InputError(field, `${where}: "${written}" is already given at ${earlier}`);
      seen.set(written, where);
      entries.push({ written, ...pronunciation });
    }
  });
  return entries;
}

function textOf(node: XmlNode): string {
  return (typeof node === 'string' ? node : (node['#text'] ?? '')).trim();
}

function preferred(nodes: readonly XmlNode[]): XmlNode | undefined {
  return nodes.find((node) => typeof node === 'object' && node['@_prefer'] === 'true') ?? nodes[0];
}

/** The line each `<lexeme>` opens on, in order: the parser keeps no positions. */
function lexemeLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let from = 0;
  for (const match of text.matchAll(/<(?:[A-Za-z_][\w.-]*:)?lexeme[\s>/]/gu)) {
    for (let at = text.indexOf('\n', from); at !== -1 && at < match.index; at = text.indexOf('\n', at + 1)) line += 1;
    from = match.index;
    lines.push(line);
  }
  return lines;
}
