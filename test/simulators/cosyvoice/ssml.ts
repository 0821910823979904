import { takeSentences } from './sentences.ts';
import type { Utterance } from './utterance.ts';

/**
 * The SSML the simulator understands, from DashScope's pages: a `<speak>` document (WebSocket and
 * SDK pages), `<break time="Nms"/>` or `"Ns"` for a pause, `<phoneme alphabet="…" ph="…">text</phoneme>`
 * for a pronunciation (the SDK page's FAQ names `<phoneme>`), XML entities in the text. Any other
 * element is refused: the client sends only these two, and a stricter simulator catches more.
 */
export interface ParsedSsml {
  utterances: Utterance[];
  pausesMs: number[];
  phonemes: { alphabet?: string; ph: string; text: string }[];
}

export type SsmlResult = { ok: true; value: ParsedSsml } | { ok: false; message: string };

const TAG = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/gu;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/y;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const BREAK_TIME = /^(\d+(?:\.\d+)?)(ms|s)$/u;

/** Whether a plain-text message holds SSML: the service reads it as SSML only with enable_ssml. */
export function looksLikeSsml(text: string): boolean {
  return /<speak[\s>]/u.test(text);
}

type Piece = { kind: 'text'; text: string } | { kind: 'pause'; ms: number };

/** Parses one SSML document into the sentences it says, with its pauses in place. */
export function parseSsml(document: string): SsmlResult {
  const pieces: Piece[] = [];
  const phonemes: ParsedSsml['phonemes'] = [];
  const open: { name: string; attributes: Record<string, string>; text: string }[] = [];
  let sawRoot = false;
  let at = 0;
  let text = '';
  const flushText = () => {
    if (text !== '') pieces.push({ kind: 'text', text });
    text = '';
  };
  while (at < document.length) {
    const char = document[at] ?? '';
    if (char === '<') {
      TAG.lastIndex = at;
      const tag = TAG.exec(document);
      if (!tag) return fail(`malformed SSML at character ${at}`);
      at = TAG.lastIndex;
      const [, closing, name = '', attributeText = '', selfClosing] = tag;
      const attributes = Object.fromEntries([...attributeText.matchAll(ATTRIBUTE)].map((m) => [m[1] ?? '', m[2] ?? m[3] ?? '']));
      if (closing) {
        const top = open.pop();
        if (top?.name !== name) return fail(`</${name}> does not close ${top ? `<${top.name}>` : 'anything'}`);
        if (name === 'phoneme') {
          flushText();
          const alphabet = top.attributes.alphabet;
          phonemes.push({ ...(alphabet ? { alphabet } : {}), ph: top.attributes.ph ?? '', text: top.text });
          pieces.push({ kind: 'text', text: top.text });
        }
        continue;
      }
      if (!sawRoot) {
        if (name !== 'speak' || selfClosing) return fail('SSML must be one <speak> document');
        sawRoot = true;
        open.push({ name, attributes, text: '' });
        continue;
      }
      if (open.length === 0) return fail('text after </speak>');
      if (open.at(-1)?.name === 'phoneme') return fail(`<${name}> inside <phoneme>`);
      if (name === 'break') {
        const time = BREAK_TIME.exec(attributes.time ?? '');
        if (!time?.[1]) return fail('<break> needs time="Nms" or time="Ns"');
        flushText();
        pieces.push({ kind: 'pause', ms: Math.round(Number(time[1]) * (time[2] === 's' ? 1000 : 1)) });
        if (!selfClosing) open.push({ name, attributes, text: '' });
        continue;
      }
      if (name === 'phoneme') {
        if (!attributes.ph) return fail('<phoneme> needs a ph attribute');
        if (selfClosing) return fail('<phoneme/> must enclose the text it says');
        flushText();
        open.push({ name, attributes, text: '' });
        continue;
      }
      return fail(`the simulator does not know the SSML element <${name}>`);
    }
    if (open.length === 0) {
      if (/\s/u.test(char)) {
        at += 1;
        continue;
      }
      return fail(sawRoot ? 'text after </speak>' : 'SSML must start with <speak>');
    }
    let decoded = char;
    if (char === '&') {
      ENTITY.lastIndex = at;
      const entity = ENTITY.exec(document);
      if (!entity) return fail(`a bare & at character ${at}: escape it as &amp;`);
      decoded = entity[1]
        ? (NAMED[entity[1]] ?? '')
        : String.fromCodePoint(Number.parseInt(entity[2] ?? entity[3] ?? '0', entity[2] ? 10 : 16));
      at = ENTITY.lastIndex;
    } else {
      at += char.length;
    }
    const top = open.at(-1);
    if (top?.name === 'phoneme') top.text += decoded;
    else text += decoded;
  }
  if (!sawRoot) return fail('SSML must be one <speak> document');
  if (open.length > 0) return fail(`<${open.at(-1)?.name ?? ''}> is not closed`);
  flushText();
  return {
    ok: true,
    value: {
      utterances: sentencesOf(pieces),
      pausesMs: pieces.flatMap((piece) => (piece.kind === 'pause' ? [piece.ms] : [])),
      phonemes,
    },
  };
}

/** The document's sentences, cut where the service cuts plain text; a pause stays where it was. */
function sentencesOf(pieces: readonly Piece[]): Utterance[] {
  const utterances: Utterance[] = [];
  let current: Utterance = { text: '', pieces: [] };
  const flush = () => {
    if (!current.pieces.some((piece) => piece.kind === 'speech')) return;
    utterances.push(current);
    current = { text: '', pieces: [] };
  };
  for (const piece of pieces) {
    if (piece.kind === 'pause') {
      current.pieces.push({ kind: 'pause', ms: piece.ms });
      continue;
    }
    const { sentences, rest } = takeSentences(piece.text);
    for (const sentence of sentences) {
      current.pieces.push({ kind: 'speech', text: sentence });
      current.text += sentence;
      flush();
    }
    if (rest.trim() !== '') {
      current.pieces.push({ kind: 'speech', text: rest });
      current.text += rest;
    }
  }
  flush();
  // Pauses after the last words belong to the last sentence.
  const last = utterances.at(-1);
  if (last) last.pieces.push(...current.pieces);
  return utterances;
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
