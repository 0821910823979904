import type { OutputTags } from './encode-types.ts';

/**
 * The tags of one written file: the book's, plus what a file of a split book adds (its own
 * title, the book as album, its track number). docs/outputs.md has the field-by-format table.
 */
export interface FileTags {
  title?: string;
  album?: string;
  author?: string;
  narrator?: string;
  year?: number;
  genre?: string;
  language?: string;
  comment?: string;
  track?: { number: number; of: number };
}

/** The whole book in one file: its title is also the album, so players group it as one. */
export function bookFileTags(tags: OutputTags): FileTags {
  const { title, ...rest } = tags;
  return title === undefined ? rest : { ...rest, title, album: title };
}

/** One chapter of a split book: titled after the chapter, album the book, numbered in order. */
export function chapterFileTags(tags: OutputTags, chapterTitle: string, number: number, of: number): FileTags {
  const { title, ...rest } = tags;
  return { ...rest, title: chapterTitle, ...(title === undefined ? {} : { album: title }), track: { number, of } };
}

export type MetadataEntry = readonly [key: string, value: string];

/**
 * ffmpeg's generic keys as its MP4 muxer maps them to iTunes atoms: title ©nam, album ©alb,
 * artist ©ART and album_artist aART (the author), composer ©wrt (the narrator, where
 * audiobook players such as Audiobookshelf look for it), date ©day, genre ©gen, comment ©cmt,
 * track trkn, media_type stik (2: Audiobook, so Apple files it under Audiobooks).
 */
export function mp4Metadata(tags: FileTags): MetadataEntry[] {
  const entries: MetadataEntry[] = [];
  const add = (key: string, value: string | number | undefined): void => {
    if (value !== undefined) entries.push([key, String(value)]);
  };
  add('title', tags.title);
  add('album', tags.album);
  add('artist', tags.author);
  add('album_artist', tags.author);
  add('composer', tags.narrator);
  add('date', tags.year);
  add('genre', tags.genre);
  add('comment', tags.comment);
  if (tags.track !== undefined) add('track', `${tags.track.number}/${tags.track.of}`);
  add('media_type', 2);
  return entries;
}

/**
 * Vorbis comments (FLAC and Opus), by the names of the Xiph recommendation: the narrator is
 * both COMPOSER (what players show and Audiobookshelf reads as narrator) and NARRATOR (says
 * what it is for tools that look).
 */
export function vorbisComments(tags: FileTags): MetadataEntry[] {
  const entries: MetadataEntry[] = [];
  const add = (key: string, value: string | number | undefined): void => {
    if (value !== undefined) entries.push([key, String(value)]);
  };
  add('TITLE', tags.title);
  add('ALBUM', tags.album);
  add('ARTIST', tags.author);
  add('ALBUMARTIST', tags.author);
  add('COMPOSER', tags.narrator);
  add('NARRATOR', tags.narrator);
  add('DATE', tags.year);
  add('GENRE', tags.genre);
  add('LANGUAGE', tags.language);
  add('COMMENT', tags.comment);
  add('TRACKNUMBER', tags.track?.number);
  add('TRACKTOTAL', tags.track?.of);
  return entries;
}
