import { statfsSync } from 'node:fs';
import path from 'node:path';

/**
 * statfs `f_type` of file systems whose calls leave the machine (or go through a user-space
 * daemon): NFS, SMB/CIFS, FUSE (sshfs, s3fs, gcsfuse), Ceph, AFS, Coda, 9p, GFS2, OCFS2, Lustre,
 * OrangeFS, NCP (linux/magic.h and the file systems' own headers).
 */
const REMOTE_FILE_SYSTEMS = new Set([
  0x6969, 0x517b, 0xff534d42, 0xfe534d42, 0x65735546, 0x00c36400, 0x5346414f, 0x73757245, 0x01021997, 0x01161970, 0x7461636f, 0x0bd00bd0,
  0x20030528, 0x564c,
]);

/** Whether a statfs type is one of REMOTE_FILE_SYSTEMS. */
export function isRemoteFileSystemType(type: number): boolean {
  return REMOTE_FILE_SYSTEMS.has(type);
}

/**
 * Whether the file system holding `folder` (or its nearest parent that exists) answers from this
 * machine, so that a stat or a small read of a recently written file takes microseconds and may
 * be made without the threadpool. False when it cannot be told (statfs unsupported or refused).
 */
export function isLocalFileSystem(folder: string): boolean {
  let at = path.resolve(folder);
  for (;;) {
    try {
      return !isRemoteFileSystemType(statfsSync(at).type);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const up = path.dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === at) return false;
      at = up;
    }
  }
}
