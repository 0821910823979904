import { z } from 'zod';
import { OUTPUT_FORMATS } from '../master/encode/output-formats.ts';
import { PROFILE_NAMES } from '../master/profiles.ts';
import { SUBTITLE_FORMATS } from '../master/subtitles/format-subtitles.ts';

/** A book's metadata as stored on the render: written into the files' tags and the manifest. */
export const deliveryTagsSchema = z.object({
  title: z.string().optional(),
  author: z.string().optional(),
  narrator: z.string().optional(),
  year: z.number().int().optional(),
  genre: z.string().optional(),
  language: z.string().optional(),
});

/**
 * How a render is delivered, fixed at enqueue: the profile that masters it, the format it is
 * encoded to once, whether each chapter also gets a file, the book's tags, and the folder
 * (under the output) its files go to. A record from before delivery existed has none and is
 * delivered as it always was: the raw join at `<id>/audio.<format>`.
 */
export const deliverySpecSchema = z.object({
  profile: z.enum(PROFILE_NAMES),
  format: z.enum(OUTPUT_FORMATS),
  split: z.enum(['none', 'chapter']),
  /** Subtitle files beside the book (and each chapter file); absent: none. */
  subtitles: z.array(z.enum(SUBTITLE_FORMATS)).optional(),
  /** The read-along EPUB's source (its EPUB, already in the output storage under .sources/); absent: none. */
  readAlong: z.object({ source: z.string() }).optional(),
  /** Lossy outputs: the bitrate asked for, kbps; absent: the profile's, else the encoder's default. */
  bitrateKbps: z.number().int().positive().optional(),
  tags: deliveryTagsSchema,
  /** The cover, already in the output storage (content-addressed under covers/). */
  cover: z.object({ key: z.string(), contentType: z.enum(['image/jpeg', 'image/png']) }).optional(),
  /** The render's folder under the output, named after the book ("the-sample-book", "the-sample-book-4f2a"). */
  folder: z.string(),
  /** The whole-book file's name without extension ("The Sample Book"). */
  baseName: z.string(),
});
export type DeliverySpec = z.infer<typeof deliverySpecSchema>;
