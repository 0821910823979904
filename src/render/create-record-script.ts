/**
 * Writes a new render record, its place in the index and (when ARGV[3] is a deadline) its entry
 * in the enqueuing set, all or nothing: a crash can never leave a record without a status or
 * outside the lists. Returns 0 when the id is taken.
 * KEYS: record, index, enqueuing. ARGV: id, createdAt (epoch ms), enqueueBy (epoch ms or ''),
 * then field/value pairs for the record.
 */
export const CREATE_RECORD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
return 1`;
