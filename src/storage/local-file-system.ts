import { statfs } from 'node:fs/promises';
import path from 'node:path';

/**
 * statfs `f_type` of the file systems whose calls leave the machine or go through a user-space
 * daemon (linux/magic.h and the file systems' own sources).
 */
const REMOTE_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x65735546, 'FUSE'], // sshfs, s3fs, gcsfuse, rclone mount
  [0x00c36400, 'Ceph'],
  [0x5346414f, 'AFS'],
  [0x6b414653, 'kAFS'],
  [0x73757245, 'Coda'],
  [0x01021997, '9p'],
  [0x01161970, 'GFS2'],
  [0x7461636f, 'OCFS2'],
  [0x0bd00bd0, 'Lustre'],
  [0x20030528, 'OrangeFS'],
  [0x47504653, 'GPFS'],
  [0x19830326, 'BeeGFS'],
  [0x564c, 'NCP'],
]);

/** Whether a statfs type is one of REMOTE_FILE_SYSTEMS. */
export function isRemoteFileSystemType(type: number): boolean {
  return REMOTE_FILE_SYSTEMS.has(type);
}

/**
 * Whether the file system holding `folder` (or its nearest parent that exists) answers from this
 * machine, so that a stat or a small read of a recently written file takes microseconds and may
 * be made as a blocking call. False when it cannot be told (statfs unsupported or refused). The
 * statfs itself goes through the threadpool: on a hung network mount it is the one call that waits.
 * Only `folder`'s own file system is looked at: a network mount further down is not seen.
 */
export async function isLocalFileSystem(folder: string): Promise<boolean> {
  let at = path.resolve(folder);
  for (;;) {
    try {
      return !isRemoteFileSystemType((await statfs(at)).type);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const up = path.dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === at) return false;
      at = up;
    }
  }
}
