import { fromBuffer, type Entry, type ZipFile } from 'yauzl';
import { InputError } from '../../errors/input-error.ts';

/** Bounds on what an EPUB may make us read: a book is text and a few pictures, not a zip bomb. */
export const EPUB_LIMITS = {
  /** Entries in the zip (a novel has tens to a few hundred). */
  maxEntries: 10_000,
  /** Any one entry, as its header declares it; larger is refused before it is inflated. */
  maxEntryBytes: 64 * 1024 * 1024,
  /** All entries together, as declared. */
  maxTotalBytes: 512 * 1024 * 1024,
  /** Inflated ÷ stored bytes of one entry over 1 MiB: text compresses 3–10×, a bomb 1000×. */
  maxRatio: 200,
  /** What is read of one XML or XHTML document (the package, the TOC, a chapter). */
  maxXmlBytes: 32 * 1024 * 1024,
  /** Spine items (reading-order documents); a novel has tens to a few hundred. */
  maxSpineItems: 5_000,
  /** What is read of the cover; a larger one is left out, not an error. */
  maxCoverBytes: 20 * 1024 * 1024,
} as const;

/** An opened EPUB container: its entries by name, each read on demand with a byte cap. */
export interface EpubZip {
  names(): IterableIterator<string>;
  has(name: string): boolean;
  size(name: string): number;
  /** The entry's bytes; past `maxBytes` (or its declared size) is an InputError naming it. */
  read(name: string, maxBytes: number): Promise<Buffer>;
  close(): void;
}

const MB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Opens an EPUB's zip with yauzl, checking every entry's name (no absolute paths, `..` or
 * backslashes: yauzl refuses them) and declared sizes before anything is inflated; reads
 * stream with a cap, so a header that lies about a size cannot make memory grow past it.
 */
export async function openEpubZip(bytes: Buffer): Promise<EpubZip> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, autoClose: false }, (error, file) =>
      error === null ? resolve(file) : reject(refused(`is not a readable zip (${error.message})`)),
    ),
  );
  if (zip.entryCount > EPUB_LIMITS.maxEntries) {
    zip.close();
    throw refused(`has ${zip.entryCount} entries; an EPUB may have at most ${EPUB_LIMITS.maxEntries}`);
  }
  const entries = new Map<string, Entry>();
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        const name = entry.fileName;
        if (entry.uncompressedSize > EPUB_LIMITS.maxEntryBytes)
          return reject(
            refused(`entry ${name} is ${MB(entry.uncompressedSize)}; an EPUB entry may be at most ${MB(EPUB_LIMITS.maxEntryBytes)}`),
          );
        if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > EPUB_LIMITS.maxRatio * Math.max(1, entry.compressedSize))
          return reject(
            refused(
              `entry ${name} inflates ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}× (${MB(entry.uncompressedSize)}): a zip bomb, not a book`,
            ),
          );
        total += entry.uncompressedSize;
        if (total > EPUB_LIMITS.maxTotalBytes)
          return reject(refused(`inflates to more than ${MB(EPUB_LIMITS.maxTotalBytes)} in all; an EPUB may hold at most that`));
        if (!name.endsWith('/')) entries.set(name, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: Error) => reject(refused(`has an unreadable entry (${error.message})`)));
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    names: () => entries.keys(),
    has: (name) => entries.has(name),
    size: (name) => entries.get(name)?.uncompressedSize ?? 0,
    read: async (name, maxBytes) => {
      const entry = entries.get(name);
      if (entry === undefined) throw refused(`has no entry ${name}, which its package names`);
      if (entry.uncompressedSize > maxBytes)
        throw refused(`entry ${name} is ${MB(entry.uncompressedSize)}; at most ${MB(maxBytes)} is read of such an entry`);
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      let read = 0;
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          read += chunk.length;
          if (read > maxBytes) throw refused(`entry ${name} inflates past ${MB(maxBytes)}`);
          chunks.push(chunk);
        }
      } catch (error) {
        stream.destroy();
        if (error instanceof InputError) throw error;
        throw refused(`entry ${name} is damaged (${error instanceof Error ? error.message : String(error)})`);
      }
      return Buffer.concat(chunks);
    },
    close: () => zip.close(),
  };
}

export function refused(why: string): InputError {
  return new InputError('file', `this EPUB ${why}`, undefined);
}
