import { Readable } from 'node:stream';
import { z } from 'zod';
import type { AudioSettings } from '../../audio/audio-settings.ts';
import { OUTPUT_CONTENT_TYPES, type OutputFormat } from '../../master/encode/output-formats.ts';
import { assertRenderId } from '../../render/render-id.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, renderIdParams, type ApiApp } from '../api-app.ts';
import { audioKeyOf, presignedAudioUrl } from '../audio-source.ts';
import { errorBodySchema } from '../errors.ts';
import { HttpError, renderNotFound } from '../http-error.ts';
import { parseRangeHeader } from '../range-header.ts';
import { contentDisposition } from '../../storage/content-disposition.ts';

/** Binary: any body (a stream here); the schema only documents the media types. */
const audioBytes = z.any().describe('the audio bytes');
const audioResponse = (description: string) => ({
  description,
  content: { 'audio/mpeg': { schema: audioBytes }, 'audio/wav': { schema: audioBytes }, 'audio/L16': { schema: audioBytes } },
});

/**
 * GET /v1/renders/:id/audio: streams the finished audio from storage (Range supported), or,
 * for S3 output with API_AUDIO_REDIRECT=true, redirects to a presigned URL so the bytes do not
 * pass through the API. HEAD answers the same headers without reading the object.
 */
export function rendersAudioRoute(app: ApiApp, ctx: ApiContext): void {
  // GET and HEAD in one route: Fastify's automatic HEAD route would run GET and drain its stream.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/renders/:id/audio',
    schema: {
      summary: "Download a completed render's audio",
      tags: ['renders'],
      security: BEARER_SECURITY,
      params: renderIdParams,
      headers: z.looseObject({ range: z.string().optional().describe('one range, e.g. bytes=0-1023') }),
      response: {
        200: audioResponse('the whole file (Content-Type from the format, Content-Length, Accept-Ranges: bytes)'),
        206: audioResponse('the requested range (Content-Range)'),
        302: z.null().describe('S3 output with API_AUDIO_REDIRECT=true: Location is a presigned URL valid API_AUDIO_URL_TTL_S seconds'),
        ...commonErrors,
        404: errorBodySchema.describe('no such render, or its audio is no longer in storage'),
        409: errorBodySchema.describe('the render has no audio (yet): error.status says where it stands'),
        416: errorBodySchema.describe('the range starts past the end (Content-Range: bytes */size)'),
      },
    },
    handler: async (request, reply) => {
      const id = assertRenderId(request.params.id);
      const state = await ctx.store.get(id);
      if (!state) throw renderNotFound(id);
      if (state.status !== 'completed' || !state.result) {
        const why =
          state.status === 'failed' || state.status === 'cancelled'
            ? `the render ${state.status}; it has no audio`
            : `the render is ${state.status}; audio is ready when it is completed`;
        throw new HttpError(409, 'AUDIO_NOT_READY', why, { details: { status: state.status } });
      }
      const audio = state.spec.audio;
      const delivery = state.spec.delivery;
      const storage = ctx.storages.get(state.spec.output);
      const key = audioKeyOf(storage, state.result.location);
      // The book's own file name (delivery.baseName), as the render wrote it; older renders keep their id.
      const filename = key.slice(key.lastIndexOf('/') + 1);
      const format = delivery?.format ?? audio.format;

      if (ctx.config.API_AUDIO_REDIRECT) {
        const url = await presignedAudioUrl(
          storage,
          key,
          ctx.config.API_AUDIO_URL_TTL_S,
          delivery === undefined ? `${id}.${audio.format}` : filename,
        );
        if (url !== undefined) return reply.code(302).header('cache-control', 'no-store').redirect(url);
      }

      const info = await storage.head(key);
      if (!info)
        throw new HttpError(404, 'AUDIO_MISSING', `the audio of render "${id}" is no longer in storage (${state.result.location})`);
      const range = parseRangeHeader(request.headers.range, info.size);
      if (range === 'unsatisfiable') {
        throw new HttpError(416, 'RANGE_NOT_SATISFIABLE', `the audio is ${info.size} bytes; the range starts past its end`, {
          headers: { 'content-range': `bytes */${info.size}` },
        });
      }
      void reply
        .header('content-type', contentTypeOf(format, audio))
        .header('accept-ranges', 'bytes')
        .header('content-disposition', contentDisposition(delivery === undefined ? `${id}.${audio.format}` : filename));
      // HEAD (Fastify routes it here) is answered from storage.head alone: no GetObject, no file read.
      const headOnly = request.method === 'HEAD';
      if (range === undefined) {
        void reply.code(200).header('content-length', String(info.size));
        return reply.send(headOnly ? undefined : Readable.from(storage.get(key)));
      }
      void reply
        .code(206)
        .header('content-length', String(range.end - range.start))
        .header('content-range', `bytes ${range.start}-${range.end - 1}/${info.size}`);
      return reply.send(headOnly ? undefined : Readable.from(storage.get(key, range)));
    },
  });
}

/** Raw PCM says nothing about itself: its rate and channels go in the media type (RFC 2586 style). */
function contentTypeOf(format: OutputFormat, audio: AudioSettings): string {
  const type = OUTPUT_CONTENT_TYPES[format];
  return format === 'pcm' ? `${type};rate=${audio.sampleRate};channels=${audio.channels}` : type;
}
