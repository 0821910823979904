#!/usr/bin/env bash
# Installs the Debian packages the tests and the keyless provider use, when missing:
# ffmpeg (ffprobe/ffmpeg validate audio in tests) and redis-server (only if no Redis answers).
set -euo pipefail
missing=()
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  echo "ensure-system-tools: installing ${missing[*]}" >&2
  $as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
