#!/usr/bin/env bash
# Makes sure a Redis answers at REDIS_URL (default 127.0.0.1:6379); starts a local
# redis-server (installing Debian's package when needed) only when nothing answers.
set -euo pipefail
url="${REDIS_URL:-redis://127.0.0.1:6379}"
ping() { node -e '
  const { Redis } = require("ioredis");
  const r = new Redis(process.argv[1], { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  r.connect().then(() => r.ping()).then(() => { r.disconnect(); process.exit(0); }, () => { r.disconnect(); process.exit(1); });
' "$url"; }
if ping; then echo "ensure-redis: Redis answers at $url" >&2; exit 0; fi
if [ -n "${REDIS_URL:-}" ]; then echo "ensure-redis: REDIS_URL=$url does not answer" >&2; exit 1; fi
if ! command -v redis-server >/dev/null 2>&1; then
  as_root=""; [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends redis-server >&2
fi
echo "ensure-redis: starting redis-server on 127.0.0.1:6379" >&2
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --maxmemory-policy noeviction >&2
for _ in $(seq 1 50); do ping && exit 0; sleep 0.1; done
echo "ensure-redis: redis-server did not come up" >&2
exit 1
