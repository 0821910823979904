import { Redis } from 'ioredis';

export interface RedisDump {
  keys: number;
  /** How many keys of each type were read. */
  types: Record<string, number>;
  /** Every key name and every value (fields, members, scores, stream entries), raw bytes. */
  bytes: Buffer;
}

/** Reads every key under `prefix:` and every value of every type, as the bytes Redis holds. */
export async function dumpPrefix(redisUrl: string, prefix: string): Promise<RedisDump> {
  const redis = new Redis(redisUrl);
  const parts: Buffer[] = [];
  const types: Record<string, number> = {};
  let keys = 0;
  const add = (values: readonly (Buffer | string | number)[]): void => {
    for (const value of values) parts.push(Buffer.isBuffer(value) ? value : Buffer.from(String(value)), Buffer.from('\n'));
  };
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scanBuffer(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next.toString();
      for (const key of found) {
        keys += 1;
        const type = await redis.type(key);
        types[type] = (types[type] ?? 0) + 1;
        add([key]);
        switch (type) {
          case 'string':
            add([(await redis.getBuffer(key)) ?? Buffer.alloc(0)]);
            break;
          case 'hash':
            add(Object.entries(await redis.hgetallBuffer(key)).flat());
            break;
          case 'list':
            add(await redis.lrangeBuffer(key, 0, -1));
            break;
          case 'set':
            add(await redis.smembersBuffer(key));
            break;
          case 'zset':
            add(await redis.zrangeBuffer(key, '0', '-1', 'WITHSCORES'));
            break;
          case 'stream':
            for (const [id, fields] of await redis.xrangeBuffer(key, '-', '+')) add([id, ...fields]);
            break;
          case 'none':
            break; // expired between SCAN and TYPE
          default:
            throw new Error(`dumpPrefix: key ${key.toString()} has type ${type}, which this dump cannot read`);
        }
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { keys, types, bytes: Buffer.concat(parts) };
}
