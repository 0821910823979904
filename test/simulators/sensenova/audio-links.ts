import { createHmac, randomBytes } from 'node:crypto';
import type { SenseNovaFault } from './faults.ts';

/** One audio file served for url-mode answers, until it expires. */
export interface AudioLink {
  id: string;
  bytes: Uint8Array;
  contentType: string;
  /** Epoch ms (simulator clock) after which the link answers 403, as an expired signed URL does. */
  expiresAt: number;
  /** The POST it belongs to. */
  requestNumber: number;
  /** urlGone or cutDownload, planned when the answer was made. */
  fault?: Extract<SenseNovaFault, { kind: 'urlGone' | 'cutDownload' }>;
  downloads: number;
}

export type LinkLookup = { ok: true; link: AudioLink } | { ok: false; status: 403 | 404; message: string; link?: AudioLink };

/**
 * Signed, expiring links to audio held in memory, like the storage links the real service
 * returns: `/files/<id>.<ext>?expires=<ms>&signature=<hmac>`. Bounded: the oldest go first.
 */
export class AudioLinkStore {
  readonly #links = new Map<string, AudioLink>();
  readonly #signingKey = randomBytes(16);
  readonly #capacity: number;

  constructor(capacity = 500) {
    this.#capacity = capacity;
  }

  add(link: Omit<AudioLink, 'id' | 'downloads'>): { link: AudioLink; path: string } {
    const id = randomBytes(12).toString('hex');
    const stored: AudioLink = { ...link, id, downloads: 0 };
    this.#links.set(id, stored);
    if (this.#links.size > this.#capacity) {
      const oldest = this.#links.keys().next();
      if (!oldest.done) this.#links.delete(oldest.value);
    }
    const extension = extensionOf(link.contentType);
    return { link: stored, path: `/files/${id}.${extension}?expires=${link.expiresAt}&signature=${this.#sign(id, link.expiresAt)}` };
  }

  /** What a GET of `url` (path + query) finds at `now`. */
  find(url: URL, now: number): LinkLookup {
    const match = /^\/files\/([0-9a-f]+)\.\w+$/.exec(url.pathname);
    const link = match?.[1] === undefined ? undefined : this.#links.get(match[1]);
    if (!link) return { ok: false, status: 404, message: 'NoSuchKey: The specified key does not exist.' };
    const expires = Number(url.searchParams.get('expires'));
    if (url.searchParams.get('signature') !== this.#sign(link.id, expires) || expires !== link.expiresAt) {
      return { ok: false, status: 403, message: 'SignatureDoesNotMatch', link };
    }
    if (now > link.expiresAt) return { ok: false, status: 403, message: 'AccessDenied: Request has expired', link };
    return { ok: true, link };
  }

  #sign(id: string, expiresAt: number): string {
    return createHmac('sha256', this.#signingKey).update(`${id}:${expiresAt}`).digest('hex').slice(0, 32);
  }
}

function extensionOf(contentType: string): string {
  if (contentType.includes('wav')) return 'wav';
  if (contentType.includes('L16') || contentType.includes('pcm')) return 'pcm';
  return 'mp3';
}
