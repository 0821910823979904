import { describePathProblem } from './storage-key.ts';

/** A bucket and a key prefix inside it ('' for the bucket's top level; never a leading or trailing '/'). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

const BUCKET_CHARACTERS = /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Says what is wrong with a bucket name under AWS's general-purpose bucket rules (which MinIO and
 * R2 accept as well), or undefined when nothing is.
 */
export function describeBucketProblem(bucket: string): string | undefined {
  if (bucket === '') return 'bucket name is empty';
  if (bucket.length < 3 || bucket.length > 63) return `bucket name "${bucket}" must be 3 to 63 characters long`;
  if (!BUCKET_CHARACTERS.test(bucket)) {
    return `bucket name "${bucket}" may use only a-z 0-9 . - and must begin and end with a letter or digit`;
  }
  if (bucket.includes('..')) return `bucket name "${bucket}" has two dots in a row`;
  if (IP_ADDRESS.test(bucket)) return `bucket name "${bucket}" looks like an IP address`;
  if (bucket.startsWith('xn--') || bucket.startsWith('sthree-')) return `bucket name "${bucket}" uses a reserved prefix`;
  if (bucket.endsWith('-s3alias') || bucket.endsWith('--ol-s3')) return `bucket name "${bucket}" uses a reserved suffix`;
  return undefined;
}

/**
 * Says what is wrong with a key prefix, or undefined when nothing is. A prefix follows the key
 * rules, so prefix + key is itself a safe key. Pass it already stripped of its outer slashes.
 */
export function describePrefixProblem(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  const problem = describePathProblem(prefix);
  return problem === undefined ? undefined : `prefix ${problem}`;
}

/** One trailing slash is how people write "a folder"; it means the same prefix. A lone "/" stays and is refused. */
export function trimPrefix(prefix: string): string {
  return prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

/**
 * Splits `s3://bucket/optional/prefix` (scheme in any case) into bucket and prefix, or returns a
 * description of the problem. Nothing is decoded: '%' and '?' are simply not allowed.
 */
export function parseS3Url(url: string): S3Location | string {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/is.exec(url);
  if (match === null) return 'is not of the form s3://bucket/optional/prefix';
  const bucket = match[1] ?? '';
  const prefix = trimPrefix(match[2] ?? '');
  const problem = describeBucketProblem(bucket) ?? describePrefixProblem(prefix);
  return problem ?? { bucket, prefix };
}

/** The one spelling of a location: `s3://bucket` or `s3://bucket/prefix`. */
export function formatS3Url(location: S3Location): string {
  return location.prefix === '' ? `s3://${location.bucket}` : `s3://${location.bucket}/${location.prefix}`;
}
