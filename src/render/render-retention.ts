/** RENDER_RETENTION_DAYS' default: an ended render's record stays readable this long. */
export const DEFAULT_RENDER_RETENTION_DAYS = 30;

export function retentionSeconds(days: number): number {
  return Math.max(1, Math.round(days * 24 * 3600));
}

/**
 * Lua, shared by every script that ends a render: gives the record, outline, done and cached
 * sets (KEYS[1..4]) a time to live of `ttl` seconds, in the same step as the status moves, so a
 * crash in between cannot leave an ended record that lives forever.
 */
export const EXPIRE_ENDED_LUA = `
local function expireEnded(ttl)
  for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ttl) end
end`;
