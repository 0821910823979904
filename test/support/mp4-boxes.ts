/**
 * Reads an MP4's box tree, independently of ffmpeg, so a test can see what a player sees: the
 * QuickTime chapter reference (moov/trak/tref/chap) and the Nero chapter list (moov/udta/chpl).
 */

export interface Mp4Box {
  type: string;
  /** The box's payload, header excluded. */
  body: Buffer;
  children: Mp4Box[];
}

/** Boxes whose payload is nothing but boxes (meta has 4 bytes of version and flags first). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'udta', 'tref', 'edts', 'dinf', 'ilst']);

export function readBoxes(bytes: Buffer): Mp4Box[] {
  const boxes: Mp4Box[] = [];
  for (let offset = 0; offset + 8 <= bytes.length;) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      size = Number(bytes.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) size = bytes.length - offset;
    if (size < header || offset + size > bytes.length) throw new Error(`box ${type} at ${offset} has a bad size ${size}`);
    const body = bytes.subarray(offset + header, offset + size);
    const children = CONTAINERS.has(type) ? readBoxes(body) : type === 'meta' ? readBoxes(body.subarray(4)) : [];
    boxes.push({ type, body, children });
    offset += size;
  }
  return boxes;
}

/** Every box at `path` ("moov/trak/tref/chap"), in file order. */
export function findBoxes(boxes: readonly Mp4Box[], path: string): Mp4Box[] {
  const [first, ...rest] = path.split('/');
  const here = boxes.filter((box) => box.type === first);
  return rest.length === 0 ? here : here.flatMap((box) => findBoxes(box.children, rest.join('/')));
}

export interface NeroChapter {
  startMs: number;
  title: string;
}

/** The Nero `chpl` list: version 1, flags, 4 reserved bytes, a one-byte count, then 100-ns start times and length-prefixed UTF-8 titles. */
export function readNeroChapters(chpl: Buffer): NeroChapter[] {
  const count = chpl.readUInt8(8);
  const chapters: NeroChapter[] = [];
  let offset = 9;
  for (let i = 0; i < count; i++) {
    const start = chpl.readBigUInt64BE(offset);
    const length = chpl.readUInt8(offset + 8);
    chapters.push({ startMs: Number(start / 10_000n), title: chpl.toString('utf8', offset + 9, offset + 9 + length) });
    offset += 9 + length;
  }
  return chapters;
}
