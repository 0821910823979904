import { describe, expect, it } from 'vitest';
import { ffmetadata, vorbisChapterComments, vorbisChapterTime } from '../../../src/master/encode/ffmetadata.ts';
import { buildId3BookTag } from '../../../src/master/encode/id3-book-tag.ts';
import type { CoverImage } from '../../../src/master/encode/cover-image.ts';

/** The frames of an ID3v2.3 tag (plain 32-bit sizes), read without the writer's help. */
function frames(tag: Uint8Array): Map<string, Buffer[]> {
  const bytes = Buffer.from(tag);
  const out = new Map<string, Buffer[]>();
  for (let offset = 10; offset + 10 <= bytes.length;) {
    const id = bytes.toString('latin1', offset, offset + 4);
    const size = bytes.readUInt32BE(offset + 4);
    out.set(id, [...(out.get(id) ?? []), bytes.subarray(offset + 10, offset + 10 + size)]);
    offset += 10 + size;
  }
  return out;
}

describe('ffmetadata', () => {
  it('escapes = ; # \\ and newlines, and writes chapters in milliseconds', () => {
    const text = ffmetadata([['title', 'a=b;c#d\\e\nf']], [{ title: 'One; two', startMs: 0.4, endMs: 1_500.6 }]);
    expect(text).toBe(';FFMETADATA1\ntitle=a\\=b\\;c\\#d\\\\e\\\nf\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1501\ntitle=One\\; two\n');
  });

  it('writes Vorbis chapter comments from CHAPTER001, times as HH:MM:SS.mmm', () => {
    expect(vorbisChapterTime(0)).toBe('00:00:00.000');
    expect(vorbisChapterTime(3_723_004)).toBe('01:02:03.004');
    expect(vorbisChapterTime(101 * 3_600_000)).toBe('101:00:00.000');
    expect(
      vorbisChapterComments([
        { title: 'A', startMs: 0, endMs: 10 },
        { title: 'B', startMs: 10, endMs: 20 },
      ]),
    ).toEqual([
      ['CHAPTER001', '00:00:00.000'],
      ['CHAPTER001NAME', 'A'],
      ['CHAPTER002', '00:00:00.010'],
      ['CHAPTER002NAME', 'B'],
    ]);
  });
});

describe('the mp3 book tag', () => {
  const cover: CoverImage = { path: 'c.png', mime: 'image/png', bytes: Buffer.from('PNGDATA'), width: 1, height: 1 };

  it('names the author and the narrator where players and audiobook servers look', () => {
    const tag = frames(
      buildId3BookTag(
        { title: 'Book', album: 'Book', author: 'Ann', narrator: 'Nick', year: 2024, track: { number: 2, of: 9 } },
        [],
        undefined,
      ),
    );
    const latin1 = (body: Buffer | undefined): string => body?.toString('latin1', 1) ?? '';
    expect(latin1(tag.get('TPE1')?.[0])).toBe('Ann');
    expect(latin1(tag.get('TPE2')?.[0])).toBe('Ann');
    expect(latin1(tag.get('TCOM')?.[0])).toBe('Nick');
    expect(tag.get('TXXX')?.[0]?.toString('latin1')).toBe('\u0000NARRATOR\u0000Nick');
    expect(latin1(tag.get('TYER')?.[0])).toBe('2024');
    expect(latin1(tag.get('TRCK')?.[0])).toBe('2/9');
  });

  it('writes text beyond ISO-8859-1 as UTF-16 with a BOM, and the cover as a front-cover APIC', () => {
    const tag = frames(buildId3BookTag({ author: '鲁迅', comment: 'ok' }, [], cover));
    expect(tag.get('TPE1')?.[0]).toEqual(Buffer.concat([Buffer.of(1, 0xff, 0xfe), Buffer.from('鲁迅', 'utf16le')]));
    expect(tag.get('COMM')?.[0]?.toString('latin1')).toBe('\u0000XXX\u0000ok');
    expect(tag.get('APIC')?.[0]).toEqual(Buffer.concat([Buffer.from('\u0000image/png\u0000\u0003\u0000', 'latin1'), cover.bytes]));
  });
});
