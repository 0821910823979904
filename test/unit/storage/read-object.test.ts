import { describe, expect, it } from 'vitest';
import { TtsBatchError } from '../../../src/errors/tts-batch-error.ts';
import { readObject } from '../../../src/storage/read-object.ts';
import { MemoryStorage } from '../../support/memory-storage.ts';

describe('readObject', () => {
  const storage = new MemoryStorage({ chunkSize: 4 });
  storage.set('notes/a.json', new TextEncoder().encode('{"hello":"world"}'));

  it('reads the whole object across its chunks', async () => {
    expect((await readObject(storage, 'notes/a.json')).toString('utf8')).toBe('{"hello":"world"}');
  });

  it('lets a missing object fail as storage.get does', async () => {
    await expect(readObject(storage, 'notes/none.json')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stops a read past maxBytes with the code asked for, naming the key and the limit', async () => {
    const error = await readObject(storage, 'notes/a.json', { maxBytes: 8, code: 'MANIFEST_UNREADABLE' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TtsBatchError);
    expect(error).toMatchObject({ code: 'MANIFEST_UNREADABLE', retryable: false, value: 'notes/a.json' });
    expect((error as Error).message).toBe('notes/a.json is larger than 8 bytes');
    expect((await readObject(storage, 'notes/a.json', { maxBytes: 17 })).length).toBe(17);
  });
});
