import { ProviderError } from '../../errors/provider-error.ts';
import { countDashScope } from '../../text/count-units.ts';

/**
 * A segment's text as the SSML one continue-task carries (docs/providers/cosyvoice.md, "SSML"):
 * the book's `<break time=N>` pause tags (N in ms, as SenseAudio writes them; `"Nms"` and `"Ns"`
 * also read) become SSML `<break time="Nms"/>`, `<phoneme …>…</phoneme>` markup already in the
 * text (the lexicon's) passes through as written, and everything else is XML-escaped, so a `&` or
 * `<` in the book is read, not parsed. Only those two elements pass: any other `<…>` is text.
 */
const TOKEN = /<break\b[^<>]*>|<phoneme\b[^<>]*>|<\/phoneme\s*>/giu;
const BREAK_TIME = /\btime\s*=\s*["']?\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*["']?/iu;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const SPEAK_OPEN = '<speak>';
const SPEAK_CLOSE = '</speak>';
/** What the `<speak>` wrapper adds to a segment's count (the SDK page counts SSML tags). */
export const SPEAK_WRAPPER_UNITS = SPEAK_OPEN.length + SPEAK_CLOSE.length;

/** The pause a `<break …>` tag asks for, in whole ms; undefined when it names no readable time. */
export function breakMs(tag: string): number | undefined {
  const match = BREAK_TIME.exec(tag);
  if (!match?.[1]) return undefined;
  const value = Number(match[1]) * (match[2]?.toLowerCase() === 's' ? 1000 : 1);
  return Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/gu, (char) => ESCAPES[char] ?? char);
}

/** One token of the text rewritten: a tag as it will be sent, or escaped text. */
function rewrite(token: string): string {
  const lower = token.toLowerCase();
  if (lower.startsWith('<break')) {
    const ms = breakMs(token);
    // A tag with no time carries no pause: dropped, never read aloud.
    return ms === undefined ? '' : `<break time="${ms}ms"/>`;
  }
  if (lower.startsWith('<phoneme') || lower.startsWith('</phoneme')) return token;
  return escapeXml(token);
}

/** Splits `text` into pause tags, phoneme tags and the plain runs between them. */
function tokens(text: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (match.index > from) parts.push(text.slice(from, match.index));
    parts.push(match[0]);
    from = match.index + match[0].length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

/**
 * The `<speak>` document for a segment. Throws a fatal ProviderError, before anything is sent,
 * when the phoneme markup is not whole (an opening tag without its close, a close without an
 * opening, one inside another, or a pause inside one): sent, the service would refuse it or
 * read it aloud.
 */
export function toSsml(text: string): string {
  let open = false;
  let body = '';
  for (const token of tokens(text.replace(/\s+/gu, (run) => (run.includes('\n') ? '\n' : ' ')).trim())) {
    const lower = token.toLowerCase();
    if (lower.startsWith('<phoneme')) {
      if (open) throw invalid('a <phoneme> inside another');
      open = true;
    } else if (lower.startsWith('</phoneme')) {
      if (!open) throw invalid('a </phoneme> without its <phoneme>');
      open = false;
    } else if (lower.startsWith('<break') && open) {
      throw invalid('a <break> inside a <phoneme>');
    }
    body += rewrite(token);
  }
  if (open) throw invalid('a <phoneme> without its </phoneme>');
  return `${SPEAK_OPEN}${body}${SPEAK_CLOSE}`;
}

/**
 * A text's weighted count once rewritten for SSML, without the `<speak>` wrapper: what the
 * planner counts for an SSML voice, the tags included as the SDK page counts them. Token by
 * token, so it adds up over pieces as the splitter needs (it never cuts inside a tag).
 */
export function countSsmlUnits(text: string): number {
  let units = 0;
  for (const token of tokens(text)) units += countDashScope(rewrite(token));
  return units;
}

function invalid(what: string): ProviderError {
  return new ProviderError(`the segment's SSML is not whole: ${what}; fix the <phoneme> markup in the text`, {
    provider: 'cosyvoice',
    kind: 'fatal',
    providerCode: 'INVALID_SSML',
  });
}
