import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLocalFileSystem, isRemoteFileSystemType } from '../../../src/storage/local-file-system.ts';

describe('isRemoteFileSystemType', () => {
  it.each([
    ['NFS', 0x6969],
    ['CIFS', 0xff534d42],
    ['FUSE', 0x65735546],
  ])('counts %s as remote', (_name, type) => {
    expect(isRemoteFileSystemType(type)).toBe(true);
  });

  it.each([
    ['ext4', 0xef53],
    ['tmpfs', 0x01021994],
    ['overlayfs', 0x794c7630],
  ])('counts %s as local', (_name, type) => {
    expect(isRemoteFileSystemType(type)).toBe(false);
  });
});

describe('isLocalFileSystem', () => {
  it('finds the temp folder local on this machine', async () => {
    expect(await isLocalFileSystem(tmpdir())).toBe(true);
  });

  it('walks up from a folder several levels below the nearest one that exists', async () => {
    const missing = path.join(tmpdir(), `tts-batch-missing-${randomUUID()}`, 'a', 'b', 'c');
    expect(existsSync(path.dirname(path.dirname(path.dirname(missing))))).toBe(false);
    expect(await isLocalFileSystem(missing)).toBe(true);
  });

  it('walks up from a path below a file (ENOTDIR)', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'tts-batch-local-fs-'));
    try {
      const file = path.join(folder, 'plain.txt');
      await writeFile(file, 'x');
      expect(await isLocalFileSystem(path.join(file, 'child', 'grandchild'))).toBe(true);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
