import { z } from 'zod';
import { countCodePoints } from '../text/count-units.ts';

const finite = z.number();

/**
 * The body of POST /v1/renders. Strict: a misspelt or unknown field is refused by name, never
 * ignored. Provider settings are the CLI's flags; each provider's own schema then takes the ones
 * it knows and refuses the rest (a setting the provider lacks is an error, not a no-op).
 */
export function createRenderBodySchema(maxTextChars: number) {
  return z
    .strictObject({
      text: z
        .string()
        .min(1, 'must not be empty')
        .refine((text) => text.length <= maxTextChars || countCodePoints(text) <= maxTextChars, {
          message: `must be at most ${maxTextChars} characters (API_MAX_TEXT_CHARS)`,
          abort: true,
        })
        .describe('UTF-8 text; chapter headings are lines like "# Title", "第三章 …", "Chapter 3 …"'),
      provider: z.string().min(1).describe('speech provider, e.g. senseaudio'),
      voice: z.string().min(1).optional().describe('voice id (default: the provider default)'),
      model: z.string().min(1).optional(),
      format: z.string().min(1).optional().describe('mp3 | wav | pcm'),
      sampleRate: z.number().int().positive().optional(),
      bitrate: z.number().int().positive().optional().describe('mp3 only, bits/s'),
      channels: z.number().int().positive().optional(),
      speed: finite.optional(),
      vol: finite.optional(),
      pitch: finite.optional(),
      blend: z.array(z.strictObject({ voice: z.string().min(1), weight: finite })).optional().describe('sensenova voice blend'),
      refAudio: z.array(z.string().min(1)).optional().describe('ai302 reference audio URLs'),
      refText: z.array(z.string()).optional().describe('ai302 transcripts of refAudio'),
      systemPrompt: z.string().optional(),
      multiSpeaker: z.boolean().optional(),
      temperature: finite.optional(),
      topK: z.number().int().optional(),
      topP: finite.optional(),
      title: z.string().min(1).max(500).optional().describe('written into the audio tags and manifest'),
      id: z.string().optional().describe('name the render (1–64 letters, digits, _ or -); an id is never reused'),
      output: z.string().min(1).optional().describe('folder or s3://bucket/prefix (default API_DEFAULT_OUTPUT; limited by API_OUTPUT_ROOT)'),
      webhook: z
        .strictObject({
          url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }),
          secret: z.string().min(16, 'must be at least 16 characters').max(256),
        })
        .optional()
        .describe('where the final event is POSTed, signed with secret (the secret is never shown again)'),
    });
}

export type CreateRenderBody = z.infer<ReturnType<typeof createRenderBodySchema>>;

