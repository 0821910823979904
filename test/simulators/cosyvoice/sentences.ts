/**
 * Where the service ends a sentence in streamed text: after a run of sentence marks (with the
 * closing quotes and brackets that follow them), after a full stop followed by whitespace, and at a
 * line break. Complete sentences are spoken at once; the rest waits for more text or for
 * finish-task, as the service does (docs/providers/cosyvoice.md, "Server events").
 */
const SENTENCE_END = /[。！？!?；;…]+[”’"'）)\]】》」』]*\s*|\.(?:[”’"')\]]*)(?:\s+|$)|\n+/gu;

const SPEAKABLE = /[\p{L}\p{N}]/u;

/**
 * Splits `buffer` into complete sentences and the incomplete rest. Every character is kept; a
 * piece with nothing to say (a lone mark, a blank line) joins the sentence before it, or the
 * next one when it comes first.
 */
export function takeSentences(buffer: string): { sentences: string[]; rest: string } {
  const sentences: string[] = [];
  let start = 0;
  for (const match of buffer.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    // A full stop at the very end may still be "3." of "3.14": wait for what follows.
    if (end === buffer.length && match[0].startsWith('.') && !/\s$/u.test(match[0])) break;
    const piece = buffer.slice(start, end);
    if (piece === '') continue;
    if (SPEAKABLE.test(piece)) {
      sentences.push(piece);
    } else if (sentences.length > 0) {
      sentences[sentences.length - 1] += piece;
    } else {
      continue;
    }
    start = end;
  }
  return { sentences, rest: buffer.slice(start) };
}
