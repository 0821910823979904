/** One way a secret might be written down. */
export interface Needle {
  secret: string;
  encoding: string;
  text: string;
}

/**
 * The shapes a secret could leak in: as is, hex (either case), URL-encoded, and base64 or
 * base64url at each of the three byte alignments it could have inside a longer encoded value
 * (the characters that depend on the neighbours are left out).
 */
export function needlesFor(name: string, secret: string): Needle[] {
  const bytes = Buffer.from(secret, 'utf8');
  const needles: Needle[] = [
    { secret: name, encoding: 'raw', text: secret },
    { secret: name, encoding: 'hex', text: bytes.toString('hex') },
    { secret: name, encoding: 'HEX', text: bytes.toString('hex').toUpperCase() },
    { secret: name, encoding: 'url-encoded', text: encodeURIComponent(secret) },
  ];
  for (let shift = 0; shift < 3; shift += 1) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = padded.toString(encoding).replace(/=+$/, '');
      // Drop characters shared with the padding before it, and the last two (they depend on what follows).
      const start = Math.ceil((shift * 8) / 6);
      needles.push({ secret: name, encoding: `${encoding}+${shift}`, text: encoded.slice(start, encoded.length - 2) });
    }
  }
  return needles.filter((needle, index, all) => needle.text.length >= 8 && all.findIndex((other) => other.text === needle.text) === index);
}

/** Every needle found in a haystack, with where, for a failure message that says what leaked. */
export function findNeedles(haystacks: ReadonlyMap<string, Buffer | string>, needles: readonly Needle[]): string[] {
  const found: string[] = [];
  for (const [where, haystack] of haystacks) {
    const bytes = Buffer.isBuffer(haystack) ? haystack : Buffer.from(haystack, 'utf8');
    for (const needle of needles) {
      const at = bytes.indexOf(needle.text);
      if (at >= 0) {
        const context = bytes.subarray(Math.max(0, at - 60), at + needle.text.length + 60).toString('utf8');
        found.push(`${needle.secret} (${needle.encoding}) in ${where}: …${context}…`);
      }
    }
  }
  return found;
}
