import { posix } from 'node:path';
import { smilClock } from './smil-clock.ts';

/** One sentence of a content document: the id of its span there, and its clip in the audio. */
export interface OverlayPar {
  id: string;
  startMs: number;
  endMs: number;
}

const escapeAttribute = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');

/** An href from one entry of the zip to another: relative, each segment percent-encoded. */
export function hrefBetween(fromEntry: string, toEntry: string): string {
  return posix
    .relative(posix.dirname(fromEntry), toEntry)
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/**
 * A Media Overlay document (EPUB 3 Media Overlays, SMIL 3) for one content document: one `<par>`
 * per sentence in reading order pairing its span with its clip.
 */
export function overlayDocument(smilEntry: string, textEntry: string, audioEntry: string, pars: readonly OverlayPar[]): string {
  const text = hrefBetween(smilEntry, textEntry);
  const audio = escapeAttribute(hrefBetween(smilEntry, audioEntry));
  const lines = pars.map(
    (par, index) =>
      `<par id="par-${index + 1}"><text src="${escapeAttribute(`${text}#${par.id}`)}"/>` +
      `<audio src="${audio}" clipBegin="${smilClock(par.startMs)}" clipEnd="${smilClock(par.endMs)}"/></par>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">',
    // The pars straight in the body: a `<seq epub:textref>` over the whole document would need a
    // fragment (epubcheck 4.2 MED_014), and the body already is that sequence.
    '<body>',
    ...lines,
    '</body>',
    '</smil>',
    '',
  ].join('\n');
}

/** What an overlay lasts: its clips' lengths added (as a reader plays it), in whole ms as written. */
export function overlayDurationMs(pars: readonly OverlayPar[]): number {
  return pars.reduce((sum, par) => sum + Math.max(0, Math.round(par.endMs) - Math.round(par.startMs)), 0);
}
