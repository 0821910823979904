import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { takeFinalHeader } from './deferred-header.ts';
import { PartBuffer } from './part-buffer.ts';
import { S3MultipartUpload } from './s3-multipart-upload.ts';
import type { MultipartTarget } from './s3-multipart-upload.ts';

export interface S3UploadSettings {
  client: S3Client;
  target: MultipartTarget;
  /** Size of every part but the last. */
  partSizeBytes: number;
  /** Parts in flight at once. */
  queueSize: number;
  /** Keep a failed upload's parts instead of aborting it (see S3StorageOptions). */
  leavePartsOnError: boolean;
  /** Retells a failure of the S3 calls (not of the body or the header) as the storage's error. */
  storageFailure: (error: unknown) => Error;
}

/** Room for a header at the front of the object, filled in once the body has gone by. */
export interface DeferredHeader {
  headerSize: number;
  finalHeader: () => Promise<Uint8Array> | Uint8Array;
}

/**
 * Writes `body` (after `deferred`'s header room, if any) to one S3 object: the only upload path.
 *
 * The body is cut into parts of one size as it goes by (Cloudflare R2 wants them equal); a full
 * part goes up once a further byte shows it is not the last, at most `queueSize` at once. An
 * object that fits in one part goes as one PutObject at the end. With a deferred header, part 1
 * (the header's room and the first body bytes) stays in memory while parts 2..N go up; part 1
 * goes last, header in front, then the upload completes. Either way the object appears only when
 * the last call succeeds, and a failed upload is aborted. Holds at most about
 * partSizeBytes × (queueSize + 2).
 *
 * The body's and the header's own errors are thrown as they are; S3's go through `storageFailure`.
 */
export async function uploadToS3(
  settings: S3UploadSettings,
  body: AsyncIterable<Uint8Array>,
  deferred?: DeferredHeader,
): Promise<{ size: number }> {
  const { partSizeBytes } = settings;
  const upload = new S3MultipartUpload(settings.client, settings.target, settings.queueSize);
  const headerSize = deferred?.headerSize ?? 0;
  let stage: 'body' | 'header' | 'storage' = 'body';
  try {
    let heldFirst: PartBuffer | undefined;
    let partNumber = 1;
    let part = new PartBuffer(partSizeBytes, headerSize);
    let size = headerSize;
    for await (const chunk of body) {
      stage = 'storage';
      size += chunk.byteLength;
      let offset = 0;
      while (offset < chunk.byteLength) {
        if (part.full) {
          // More bytes follow, so this full part is not the last.
          if (partNumber === 1 && deferred !== undefined) heldFirst = part;
          else await upload.addPart(partNumber, part.contents());
          partNumber += 1;
          part = new PartBuffer(partSizeBytes);
        }
        offset += part.write(chunk, offset);
      }
      stage = 'body';
    }
    if (deferred !== undefined) {
      stage = 'header';
      const header = await takeFinalHeader(headerSize, deferred.finalHeader);
      (heldFirst ?? part).setHeader(header);
    }
    stage = 'storage';
    if (partNumber === 1) {
      await settings.client.send(new PutObjectCommand({ ...settings.target, Body: part.contents() }));
      return { size };
    }
    await upload.addPart(partNumber, part.contents());
    if (heldFirst !== undefined) {
      await upload.drain();
      await upload.addPart(1, heldFirst.contents());
    }
    await upload.complete();
    return { size };
  } catch (error) {
    await upload.abandon(settings.leavePartsOnError);
    if (stage === 'storage') throw settings.storageFailure(error);
    throw error;
  }
}
