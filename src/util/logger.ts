import { pino, type Logger } from 'pino';

/**
 * Logs go to stderr (stdout belongs to command output such as the render id). Redaction is a
 * second line of defence: secrets are never put into log objects in the first place.
 */
export function createLogger(level: string, name = 'tts-batch'): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: [
          'apiKey',
          '*.apiKey',
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'secret',
          '*.secret',
          'token',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

export type { Logger };
