import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

export interface S3TestServer {
  kind: 's3rver' | 'minio';
  /** http://host:port, for S3Client's `endpoint` with `forcePathStyle: true`. */
  endpoint: string;
  /** An empty bucket, already created. */
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

const BUCKET = 'tts-batch-test';
const REGION = 'us-east-1';
const MINIO_IMAGE = 'minio/minio:RELEASE.2024-12-13T22-19-12Z';

interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverServer;

/**
 * Starts a real S3-compatible server for a test file: MinIO in a container where a container
 * runtime answers, else s3rver in this process on a free port. s3rver is unmaintained since 2021
 * and only ever a test tool. Its quirks: AbortMultipartUpload and ListParts answer 405 (so a
 * failing upload would report MethodNotAllowed: tests keep `leavePartsOnError`), it enforces no
 * 5 MiB minimum part size, and it stores a streamed PutObject with its aws-chunked framing unless
 * checksums are `WHEN_REQUIRED` (as S3Storage sets them for non-AWS endpoints).
 */
export async function startS3Server(): Promise<S3TestServer> {
  const minio = await startMinio();
  if (typeof minio !== 'string') {
    console.error(`[s3 test server] MinIO ${MINIO_IMAGE} at ${minio.endpoint}`);
    return minio;
  }
  const server = await startS3rver();
  console.error(`[s3 test server] s3rver at ${server.endpoint} (no container runtime: ${minio})`);
  return server;
}

async function startMinio(): Promise<S3TestServer | string> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch (error) {
    return error instanceof Error ? (error.message.split('\n')[0] ?? 'unknown') : String(error);
  }
  const { MinioContainer } = await import('@testcontainers/minio');
  const container = await new MinioContainer(MINIO_IMAGE).start();
  const credentials = { accessKeyId: container.getUsername(), secretAccessKey: container.getPassword() };
  const endpoint = container.getConnectionUrl();
  const client = new S3Client({ region: REGION, endpoint, forcePathStyle: true, credentials });
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } finally {
    client.destroy();
  }
  return {
    kind: 'minio',
    endpoint,
    bucket: BUCKET,
    region: REGION,
    credentials,
    stop: () => container.stop().then(() => undefined),
  };
}

async function startS3rver(): Promise<S3TestServer> {
  // s3rver ships no types; this file states the little it uses.
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
  const directory = await mkdtemp(path.join(tmpdir(), 'tts-batch-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  return {
    kind: 's3rver',
    endpoint: `http://127.0.0.1:${port}`,
    bucket: BUCKET,
    region: REGION,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
