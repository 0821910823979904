import type { AppConfig } from '../config/app-config.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';

/** One Storage per output location for the life of a worker (S3 clients keep their sockets). */
export class StoragePool {
  readonly #config: AppConfig;
  readonly #open = new Map<string, Storage>();

  constructor(config: AppConfig) {
    this.#config = config;
  }

  get(location: string): Storage {
    let storage = this.#open.get(location);
    if (!storage) {
      storage = openStorage(location, this.#config);
      this.#open.set(location, storage);
    }
    return storage;
  }

  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(all.map((storage) => storage.close()));
  }
}
