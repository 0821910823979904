import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What of s3rver (untyped, unmaintained since 2021) this file touches. */
interface KoaContext {
  method: string;
  path: string;
  req: IncomingMessage;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface StoredObject {
  bucket: string;
  key: string;
}
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putObject(object: StoredObject): Promise<unknown>;
}
interface S3rverServer {
  middleware: Middleware[];
  store: FilesystemStore;
  httpServer?: Server;
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
interface AwsAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
}

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverClass;
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: AwsAccount };

export interface RestartableS3 {
  /** http://127.0.0.1:port, for S3Client's `endpoint` with `forcePathStyle: true`. */
  readonly endpoint: string;
  readonly port: number;
  readonly bucket: string;
  readonly region: string;
  /** A key pair made for this server only (random, so a test can search for it anywhere). */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  /** s3rver's data folder; it outlives restarts. */
  readonly directory: string;
  /** Stops the way a crashed server does: every open connection is cut at once. */
  stop(): Promise<void>;
  /** Starts again on the same port and folder; what was stored is still there. */
  start(): Promise<void>;
  /**
   * The next request that `matches` never reaches s3rver: as soon as its body starts to arrive
   * (or at once, for a request without a body) the whole server stops. Resolves after the stop.
   */
  stopDuring(matches: (method: string, path: string) => boolean): Promise<{ method: string; path: string }>;
  /** Makes the key pair unknown to the server: every signed request is refused from now on. */
  revokeCredentials(): void;
  /** Stops (if running) and removes the folder. */
  close(): Promise<void>;
}

const BUCKET = 'tts-batch-chaos';
const REGION = 'us-east-1';

/** Resolves when the body's first bytes arrive, or when it turns out to have none. */
function firstBodyBytes(req: IncomingMessage): Promise<void> {
  if (
    req.headers['content-length'] === '0' ||
    (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
  ) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    req.once('data', () => resolve());
    req.once('end', () => resolve());
    req.once('error', () => resolve());
  });
}

/**
 * s3rver writes an object in place, so a HEAD during a PUT sees the file growing and a cut PUT
 * leaves a truncated object behind. S3, MinIO and R2 never show either. Writing under a
 * temporary key and renaming the finished files (the object file last: a HEAD looks for it)
 * makes this server commit the way they do, so what a test observes is the product's doing.
 */
function commitAtomically(store: FilesystemStore): void {
  const putInPlace = store.putObject.bind(store);
  store.putObject = async (object: StoredObject) => {
    const finalKey = object.key;
    const tempKey = `${finalKey}.uploading-${randomBytes(6).toString('hex')}`;
    object.key = tempKey;
    let result: unknown;
    try {
      result = await putInPlace(object);
    } finally {
      object.key = finalKey;
    }
    for (const resource of ['metadata.json', 'object.md5', 'object']) {
      await rename(store.getResourcePath(object.bucket, tempKey, resource), store.getResourcePath(object.bucket, finalKey, resource));
    }
    return result;
  };
}

/**
 * s3rver in this process on a fixed port and folder, which a test can stop abruptly (also in the
 * middle of one chosen request) and start again, as an S3 outage looks to a client.
 */
export async function startRestartableS3(): Promise<RestartableS3> {
  const directory = await mkdtemp(join(tmpdir(), 'ttsb-chaos-s3-'));
  const credentials = {
    accessKeyId: `AKCHAOS${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  let port = 0;
  let server: S3rverServer | undefined;
  let trap: { matches: (method: string, path: string) => boolean; sprung: (request: { method: string; path: string }) => void } | undefined;

  const stop = async (): Promise<void> => {
    const running = server;
    if (running === undefined) return;
    server = undefined;
    const closed = running.close();
    running.httpServer?.closeAllConnections();
    await closed;
  };

  const start = async (): Promise<void> => {
    if (server !== undefined) return;
    const created = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
    commitAtomically(created.store);
    // Koa composes its middleware when it starts listening: this one runs before s3rver's own.
    created.middleware.unshift(async (ctx, next) => {
      const armed = trap;
      if (armed === undefined || !armed.matches(ctx.method, ctx.path)) return next();
      trap = undefined;
      await firstBodyBytes(ctx.req);
      await stop();
      armed.sprung({ method: ctx.method, path: ctx.path });
    });
    server = created;
    port = (await created.run()).port;
  };

  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket: BUCKET,
    region: REGION,
    credentials,
    directory,
    stop,
    start,
    stopDuring: (matches) =>
      new Promise((resolve) => {
        trap = { matches, sprung: resolve };
      }),
    revokeCredentials: () => DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId),
    async close() {
      trap = undefined;
      await stop();
      DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
