import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';

/** S3's limit on the parts of one upload. */
export const S3_MAX_PARTS = 10_000;

export interface MultipartTarget {
  Bucket: string;
  Key: string;
  ContentType?: string;
}

/**
 * One S3 multipart upload, driven part by part: created on the first part, at most `queueSize`
 * parts in flight, and an object at the key only once `complete` succeeds. Parts may be added in
 * any order (a deferred header sends part 1 last).
 */
export class S3MultipartUpload {
  private uploadId: string | undefined;
  private readonly parts: CompletedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failed: { error: unknown } | undefined;
  private readonly client: S3Client;
  private readonly target: MultipartTarget;
  private readonly queueSize: number;

  constructor(client: S3Client, target: MultipartTarget, queueSize: number) {
    this.client = client;
    this.target = target;
    this.queueSize = queueSize;
  }

  /** Queues part `partNumber`; waits while the queue is full; throws the first failed part's error. */
  async addPart(partNumber: number, bytes: Uint8Array): Promise<void> {
    if (partNumber > S3_MAX_PARTS) throw new Error(`an S3 multipart upload takes at most ${S3_MAX_PARTS} parts`);
    if (this.uploadId === undefined) this.uploadId = await this.create();
    this.throwIfFailed();
    const sending: Promise<void> = this.sendPart(partNumber, bytes).then(
      () => {
        this.inFlight.delete(sending);
      },
      (error: unknown) => {
        this.inFlight.delete(sending);
        this.failed ??= { error };
      },
    );
    this.inFlight.add(sending);
    while (this.inFlight.size >= this.queueSize) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  /** Waits until every queued part is up; throws the first failed part's error. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  /** Completes the upload once every part is up: only now does the object appear. */
  async complete(): Promise<void> {
    await this.drain();
    const parts = [...this.parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await this.client.send(new CompleteMultipartUploadCommand({ ...this.ids(), MultipartUpload: { Parts: parts } }));
  }

  /** Aborts a started upload so its parts are not kept (and billed); best effort. */
  async abandon(leaveParts: boolean): Promise<void> {
    await Promise.allSettled(this.inFlight);
    if (this.uploadId === undefined || leaveParts) return;
    await this.client.send(new AbortMultipartUploadCommand(this.ids())).catch(() => undefined);
  }

  private async create(): Promise<string> {
    // Where the client sends checksums whenever an API supports them (AWS), the upload declares
    // CRC32 up front, so the parts' checksums are ones S3 expects when it completes the upload.
    const checksums = await this.client.config.requestChecksumCalculation();
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ ...this.target, ...(checksums === 'WHEN_SUPPORTED' ? { ChecksumAlgorithm: 'CRC32' } : {}) }),
    );
    if (created.UploadId === undefined) throw new Error('CreateMultipartUpload answered without an UploadId');
    return created.UploadId;
  }

  private async sendPart(partNumber: number, bytes: Uint8Array): Promise<void> {
    const sent = await this.client.send(
      new UploadPartCommand({ ...this.ids(), PartNumber: partNumber, Body: bytes, ContentLength: bytes.byteLength }),
    );
    this.parts.push({
      PartNumber: partNumber,
      ...(sent.ETag === undefined ? {} : { ETag: sent.ETag }),
      ...(sent.ChecksumCRC32 === undefined ? {} : { ChecksumCRC32: sent.ChecksumCRC32 }),
      ...(sent.ChecksumCRC32C === undefined ? {} : { ChecksumCRC32C: sent.ChecksumCRC32C }),
      ...(sent.ChecksumCRC64NVME === undefined ? {} : { ChecksumCRC64NVME: sent.ChecksumCRC64NVME }),
      ...(sent.ChecksumSHA1 === undefined ? {} : { ChecksumSHA1: sent.ChecksumSHA1 }),
      ...(sent.ChecksumSHA256 === undefined ? {} : { ChecksumSHA256: sent.ChecksumSHA256 }),
    });
  }

  private ids(): { Bucket: string; Key: string; UploadId: string } {
    return { Bucket: this.target.Bucket, Key: this.target.Key, UploadId: this.uploadId ?? '' };
  }

  private throwIfFailed(): void {
    if (this.failed !== undefined) throw this.failed.error;
  }
}
