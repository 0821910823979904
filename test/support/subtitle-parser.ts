/**
 * Strict SubRip and WebVTT readers for the tests: every block must be well formed, times must
 * parse, a cue must end after it starts, cues must start in order and never overlap. Anything
 * else throws with the block that broke the rule.
 */
export interface ParsedCue {
  startMs: number;
  endMs: number;
  text: string;
}

const SRT_TIME = /^(\d{2}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2}):([0-5]\d):([0-5]\d),(\d{3})$/;
const VTT_TIME = /^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$/;

function ms(parts: readonly string[], offset: number): number {
  const [h, m, s, f] = parts.slice(offset, offset + 4).map(Number);
  return (((h ?? 0) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1000 + (f ?? 0);
}

function checkOrder(cues: readonly ParsedCue[]): void {
  cues.forEach((cue, i) => {
    if (!(cue.endMs > cue.startMs)) throw new Error(`cue ${i + 1} ends at ${cue.endMs} ms, not after its start ${cue.startMs}`);
    const before = cues[i - 1];
    if (before !== undefined && cue.startMs < before.endMs)
      throw new Error(`cue ${i + 1} starts at ${cue.startMs} ms, before cue ${i} ends (${before.endMs} ms)`);
  });
}

export function parseSrtStrict(file: string): ParsedCue[] {
  if (!file.endsWith('\n')) throw new Error('SRT does not end in a newline');
  const blocks = file.replace(/\n+$/, '').split('\n\n');
  const cues = blocks.map((block, i) => {
    const [number, time, ...text] = block.split('\n');
    if (number !== String(i + 1)) throw new Error(`SRT block ${i + 1} is numbered ${JSON.stringify(number)}`);
    const parts = SRT_TIME.exec(time ?? '');
    if (parts === null) throw new Error(`SRT block ${i + 1} has the time line ${JSON.stringify(time)}`);
    if (text.length === 0 || text.some((line) => line.trim() === '')) throw new Error(`SRT block ${i + 1} has no text or a blank line`);
    return { startMs: ms(parts, 1), endMs: ms(parts, 5), text: text.join('\n') };
  });
  checkOrder(cues);
  return cues;
}

export function parseVttStrict(file: string): ParsedCue[] {
  if (!file.startsWith('WEBVTT\n\n')) throw new Error('VTT does not start with "WEBVTT" and a blank line');
  const blocks = file.slice('WEBVTT\n\n'.length).replace(/\n+$/, '').split('\n\n');
  const cues = blocks.map((block, i) => {
    const [time, ...text] = block.split('\n');
    const parts = VTT_TIME.exec(time ?? '');
    if (parts === null) throw new Error(`VTT cue ${i + 1} has the time line ${JSON.stringify(time)}`);
    if (text.length === 0 || text.some((line) => line.trim() === '' || line.includes('-->')))
      throw new Error(`VTT cue ${i + 1} has no text, a blank line or "-->"`);
    if (text.some((line) => /<|&(?!amp;|lt;|gt;)/.test(line))) throw new Error(`VTT cue ${i + 1} has unescaped markup`);
    return {
      startMs: ms(parts, 1),
      endMs: ms(parts, 5),
      text: text.join('\n').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&'),
    };
  });
  checkOrder(cues);
  return cues;
}
