/**
 * Writes a new render record, its outline (when ARGV[4] is not empty), its place in the index
 * and (when ARGV[3] is a deadline) its entry in the enqueuing set, all or nothing: a crash can
 * never leave a record without a status, an outline or a place in the lists. Returns 0 when the
 * id is taken.
 * KEYS: record, index, enqueuing, outline. ARGV: id, createdAt (epoch ms), enqueueBy (epoch ms
 * or ''), outline JSON (or ''), then field/value pairs for the record.
 */
export const CREATE_RECORD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
if ARGV[4] ~= '' then redis.call('SET', KEYS[4], ARGV[4]) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
return 1`;
