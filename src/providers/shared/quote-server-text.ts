/** Server text quoted in a message is cut here: enough to diagnose, not a whole HTML page. */
const MAX_QUOTED_CHARS = 300;

/** Server text for a message: secrets removed, white space folded, shortened, in quotes. */
export function quoteServerText(text: string, redact: ((text: string) => string) | undefined): string {
  const clean = (redact ? redact(text) : text).replace(/\s+/g, ' ').trim();
  const short = clean.length > MAX_QUOTED_CHARS ? `${clean.slice(0, MAX_QUOTED_CHARS)}…` : clean;
  return JSON.stringify(short);
}
