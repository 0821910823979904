import { closeSync, fsync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterBlockingCall } from '../util/blocking-slice.ts';

const fsyncFd = promisify(fsync);

/** A put's temp file, open for writing. */
export interface TempFile {
  /** Writes all of `chunk` at the file position, or at `position` when one is given. */
  write(chunk: Uint8Array, position?: number): Promise<void>;
  /** fsync: the bytes are on disk when it resolves. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls a LocalStorage put makes, in one of two ways (threadpoolCalls, blockingCalls). */
export interface FileCalls {
  /** A new temp file (`wx`), its folder made only when missing (one call fewer per put in a folder that exists). */
  openTemp(folder: string, temp: string): Promise<TempFile>;
  rename(from: string, to: string): Promise<void>;
  /**
   * Makes a rename in `folder` durable. Best effort: the object is already in place, and some
   * file systems refuse to sync a folder; failing the put now would report a write that succeeded.
   */
  syncFolder(folder: string): Promise<void>;
}

/** Every call through libuv's threadpool (fs/promises). */
export const threadpoolCalls: FileCalls = {
  async openTemp(folder, temp) {
    return handleFile(
      await openMaking(
        folder,
        () => open(temp, 'wx'),
        () => mkdir(folder, { recursive: true }),
      ),
    );
  },
  rename: (from, to) => rename(from, to),
  async syncFolder(folder) {
    try {
      const handle = await open(folder, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // See FileCalls.syncFolder.
    }
  },
};

/**
 * On a local file system (local-file-system.ts): open, write, close and rename as blocking calls,
 * which take microseconds there, and only the fsyncs, which wait for the disk, through the
 * threadpool. A durable put made 8 threadpool round trips, each costing the event loop tens of
 * microseconds on a small machine; now 2. The event loop gets a turn every BLOCKING_SLICE_MS.
 */
export const blockingCalls: FileCalls = {
  async openTemp(folder, temp) {
    try {
      return descriptorFile(
        await openMaking(
          folder,
          () => Promise.resolve(openSync(temp, 'wx')),
          () => Promise.resolve(mkdirSync(folder, { recursive: true })),
        ),
      );
    } finally {
      await afterBlockingCall();
    }
  },
  async rename(from, to) {
    renameSync(from, to);
    await afterBlockingCall();
  },
  async syncFolder(folder) {
    try {
      const fd = openSync(folder, 'r');
      try {
        await fsyncFd(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // See FileCalls.syncFolder.
    }
  },
};

async function openMaking<T>(folder: string, openIt: () => Promise<T>, makeFolder: () => Promise<unknown>): Promise<T> {
  try {
    return await openIt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await makeFolder();
  return await openIt();
}

function handleFile(handle: FileHandle): TempFile {
  return {
    async write(chunk, position) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const at = position === undefined ? null : position + offset;
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset, at);
        offset += bytesWritten;
      }
    },
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}

/** A blocking write holds the event loop for at most this much (a page-cache copy; more under dirty-page throttling). */
const BLOCKING_WRITE_BYTES = 1024 * 1024;

function descriptorFile(fd: number): TempFile {
  let isOpen = true;
  return {
    async write(chunk, position) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const at = position === undefined ? null : position + offset;
        offset += writeSync(fd, chunk, offset, Math.min(BLOCKING_WRITE_BYTES, chunk.byteLength - offset), at);
        await afterBlockingCall();
      }
    },
    sync: () => fsyncFd(fd),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Once: a second close could close a descriptor the process has since reused.
        if (!isOpen) return resolve();
        isOpen = false;
        try {
          closeSync(fd);
          resolve();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
  };
}
