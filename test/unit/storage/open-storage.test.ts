import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/runtime/app-config.ts';
import { ConfigError } from '../../../src/errors/config-error.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import { LocalStorage } from '../../../src/storage/local-storage.ts';
import { describeLocation, openStorage } from '../../../src/storage/open-storage.ts';
import { S3Storage } from '../../../src/storage/s3-storage.ts';
import { thrownBy } from '../../support/storage-contract.ts';

const config = loadConfig({});

describe('openStorage', () => {
  it('opens a relative path as a LocalStorage under the working directory', async () => {
    const storage = openStorage('renders/out', config);
    expect(storage).toBeInstanceOf(LocalStorage);
    expect(storage.url).toBe(pathToFileURL(path.resolve(process.cwd(), 'renders/out')).href);
    await storage.close();
  });

  it('opens a file:// URL, decoding it', () => {
    const storage = openStorage('file:///tmp/my%20renders/', config);
    expect(storage).toBeInstanceOf(LocalStorage);
    expect((storage as LocalStorage).root).toBe('/tmp/my renders');
  });

  it('opens s3:// as an S3Storage with the bucket, prefix and config', async () => {
    const storage = openStorage(
      's3://my-bucket/books/2024/',
      loadConfig({
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_REGION: 'eu-west-1',
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'secret',
      }),
    ) as S3Storage;
    expect(storage).toBeInstanceOf(S3Storage);
    expect(storage.bucket).toBe('my-bucket');
    expect(storage.prefix).toBe('books/2024');
    expect(storage.url).toBe('s3://my-bucket/books/2024');
    expect(await storage.client.config.region()).toBe('eu-west-1');
    expect(storage.client.config.forcePathStyle).toBe(true);
    expect(await storage.client.config.credentials()).toMatchObject({ accessKeyId: 'id', secretAccessKey: 'secret' });
    expect(await storage.client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    const endpoint = await storage.client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    await storage.close();
  });

  it('keeps the SDK defaults for AWS itself', async () => {
    const storage = openStorage('s3://my-bucket', config) as S3Storage;
    expect(storage.prefix).toBe('');
    expect(storage.url).toBe('s3://my-bucket');
    expect(await storage.client.config.requestChecksumCalculation()).toBe('WHEN_SUPPORTED');
    await storage.close();
  });

  it.each([
    ['', /is empty/],
    ['s3://', /bucket name is empty/],
    ['s3://Upper-Case', /may use only a-z/],
    ['s3://ab', /3 to 63/],
    ['s3://my_bucket', /may use only a-z/],
    ['s3://my..bucket', /two dots/],
    ['s3://192.168.1.10', /IP address/],
    ['s3://-bucket', /begin and end/],
    ['s3://bucket/../other', /"\.\." segment/],
    ['s3://bucket/a/../../b', /"\.\." segment/],
    ['s3://bucket/a//b', /empty segment/],
    ['s3://bucket//', /starts with "\/"/],
    ['s3://bucket/a%2F..', /characters other than/],
    ['s3://bucket/p?x=1', /characters other than/],
    ['gs://bucket/x', /unsupported scheme "gs:\/\/"/],
    ['https://example.com/x', /unsupported scheme "https:\/\/"/],
    ['file://remote-host/share', /not a usable file:\/\/ URL/],
    ['out\0put', /NUL/],
  ])('refuses %j (field "output")', (location, problem) => {
    const error = thrownBy(() => openStorage(location, config));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('output');
    expect((error as InputError).message).toMatch(problem);
  });

  it('wants both AWS keys or neither, and never prints the one it got', () => {
    const error = thrownBy(() => openStorage('s3://my-bucket', loadConfig({ AWS_SECRET_ACCESS_KEY: 'super-secret-value' })));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/AWS_ACCESS_KEY_ID is not set/);
    expect(JSON.stringify(error) + String((error as ConfigError).message)).not.toContain('super-secret-value');
  });
});

describe('describeLocation', () => {
  it('gives one spelling for every way of naming a local folder', () => {
    const absolute = path.resolve(process.cwd(), 'renders/out');
    const expected = pathToFileURL(absolute).href;
    for (const location of [
      'renders/out',
      './renders/out',
      'renders/out/',
      'renders//out',
      absolute,
      `${absolute}/`,
      pathToFileURL(absolute).href,
    ]) {
      expect(describeLocation(location), location).toBe(expected);
    }
  });

  it('gives one spelling for an s3 location, with or without a trailing slash or upper-case scheme', () => {
    for (const location of ['s3://my-bucket/a/b', 's3://my-bucket/a/b/', 'S3://my-bucket/a/b']) {
      expect(describeLocation(location), location).toBe('s3://my-bucket/a/b');
    }
    expect(describeLocation('s3://my-bucket/')).toBe('s3://my-bucket');
  });

  it('equals the url of the storage openStorage opens', async () => {
    for (const location of ['renders/x', 's3://my-bucket/p']) {
      const storage = openStorage(location, config);
      expect(storage.url).toBe(describeLocation(location));
      await storage.close();
    }
  });

  it('refuses what openStorage refuses', () => {
    expect(() => describeLocation('s3://bucket/../x')).toThrow(InputError);
  });
});
