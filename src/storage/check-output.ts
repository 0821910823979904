import type { CoreConfig } from '../config/core-config.ts';
import { openStorage } from './open-storage.ts';
import { preflightStorage } from './storage-preflight.ts';

/**
 * Opens the storage an output names, proves it takes writes (storage-preflight.ts), and closes
 * it. Called before enqueue by the CLI and the API, so settings that can never work are refused
 * before anything is enqueued or billed. Throws StoragePreflightError.
 */
export async function checkOutputWritable(output: string, config: CoreConfig): Promise<void> {
  const storage = openStorage(output, config, { quickFailMs: config.STORAGE_PREFLIGHT_TIMEOUT_MS });
  try {
    await preflightStorage(storage, config.STORAGE_PREFLIGHT_TIMEOUT_MS);
  } finally {
    await storage.close();
  }
}
