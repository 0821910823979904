import { z } from 'zod';
import { InputError } from '../../errors/input-error.ts';
import { listVoices } from '../../providers/list-voices.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';

const querySchema = z.strictObject({
  provider: z.string().optional().describe('only this provider'),
});

const voiceSchema = z.object({
  id: z.string().describe('what `voice` takes'),
  description: z.string().optional().describe("the document's name for it, as written"),
  languages: z.array(z.string()).readonly().describe('languages the document says it speaks'),
  models: z.array(z.string()).readonly().optional().describe('models it is documented for'),
  blendable: z.boolean().optional().describe('may be blended with others (SenseNova)'),
  ssml: z.boolean().optional().describe('accepts SSML'),
});

const providerVoicesSchema = z.object({
  provider: z.string(),
  list: z
    .object({
      voices: z.array(voiceSchema).readonly(),
      source: z.string().describe('where the list comes from'),
      complete: z.boolean().describe('false when the documents name only examples'),
      otherVoices: z.string().describe('the rule for voice ids outside the list (cloned voices, CUSTOM_VOICES)'),
    })
    .optional()
    .describe('absent: the provider has no documented list'),
});

/** GET /v1/voices: each provider's documented voices, as `tts-batch voices --json` prints them. */
export function voicesRoute(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/voices',
    {
      schema: {
        summary: "Each provider's documented voices, and how other voice ids are accepted",
        tags: ['providers'],
        security: BEARER_SECURITY,
        querystring: querySchema,
        response: { 200: z.object({ providers: z.array(providerVoicesSchema) }), ...commonErrors },
      },
    },
    async (request) => {
      const { provider } = request.query;
      const definitions = [...ctx.providers.values()].filter((definition) => provider === undefined || definition.name === provider);
      if (definitions.length === 0) {
        throw new InputError('provider', `unknown provider "${provider}"; known: ${[...ctx.providers.keys()].join(', ')}`, provider);
      }
      return { providers: await listVoices(definitions, ctx.config) };
    },
  );
}
