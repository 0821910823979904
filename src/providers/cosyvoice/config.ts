import { z } from 'zod';
import { optionalSecret } from '../../config/env-values.ts';

/**
 * CosyVoice's environment variables, merged into the app's config at start-up. Alibaba DashScope
 * (CosyVoice over WebSocket): the key goes in the upgrade's Authorization header only.
 */
export const cosyVoiceConfigSchema = z.object({
  DASHSCOPE_API_KEY: optionalSecret,
  DASHSCOPE_WS_URL: z.url({ protocol: /^wss?$/ }).default('wss://dashscope.aliyuncs.com/api-ws/v1/inference'),
  /** CosyVoice weighted characters (Han = 2) per task, i.e. per segment; the service takes 200,000. */
  COSYVOICE_TASK_MAX_UNITS: z.coerce.number().int().min(100).max(200_000).default(200_000),
  /** The segment size the producer aims for (see limits.ts); at most the task maximum. */
  COSYVOICE_TARGET_UNITS: z.coerce.number().int().min(100).max(200_000).default(6_000),
  /** Weighted characters per continue-task message: the SDK documents 2,000, the protocol page 20,000. */
  COSYVOICE_MESSAGE_MAX_UNITS: z.coerce.number().int().min(10).max(20_000).default(2_000),
});

export type CosyVoiceConfig = z.infer<typeof cosyVoiceConfigSchema>;
