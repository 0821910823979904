import type { Logger } from 'pino';
import type { AppConfig } from './app-config.ts';
import { LocalStorage } from '../storage/local-storage.ts';
import { openStorage } from '../storage/open-storage.ts';
import { removeStaleTempFiles } from '../storage/stale-temp-files.ts';
import type { Storage } from '../storage/storage.ts';

export interface StoragePoolOptions {
  /** Workers: sweep each local output, when first opened, of temp files older than this (a killed writer's). */
  sweepTempFiles?: { olderThanMs: number; logger: Logger };
}

/** One Storage per output location for the life of a worker (S3 clients keep their sockets). */
export class StoragePool {
  readonly #config: AppConfig;
  readonly #options: StoragePoolOptions;
  readonly #open = new Map<string, Storage>();
  readonly #sweeps = new Set<Promise<void>>();

  constructor(config: AppConfig, options: StoragePoolOptions = {}) {
    this.#config = config;
    this.#options = options;
  }

  get(location: string): Storage {
    let storage = this.#open.get(location);
    if (!storage) {
      storage = openStorage(location, this.#config);
      this.#open.set(location, storage);
      if (storage instanceof LocalStorage) this.#sweep(storage);
    }
    return storage;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#sweeps);
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(all.map((storage) => storage.close()));
  }

  /** In the background: the job that opened the storage does not wait for the scan. */
  #sweep(storage: LocalStorage): void {
    const sweep = this.#options.sweepTempFiles;
    if (!sweep) return;
    const running = removeStaleTempFiles(storage.root, sweep.olderThanMs)
      .then(({ removed, scanned }) => {
        if (removed > 0) sweep.logger.info({ output: storage.url, removed, scanned }, 'removed temp files a killed writer left');
      })
      .catch((error: unknown) =>
        sweep.logger.warn(
          { output: storage.url, err: error instanceof Error ? error.message : String(error) },
          'could not sweep stale temp files',
        ),
      )
      .finally(() => this.#sweeps.delete(running));
    this.#sweeps.add(running);
  }
}
