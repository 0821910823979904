#!/usr/bin/env bash
# Installs the Debian packages the tests and the keyless provider use, when missing:
# ffmpeg (ffprobe/ffmpeg validate audio in tests, and convert espeak-ng's wav), espeak-ng,
# and redis-server (only if no Redis answers).
set -euo pipefail
missing=()
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# espeak-ng: the keyless `espeak` provider's speech (GPL-3, run as a separate program, never linked).
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
# chromium: the headless browser the Bull Board test drives (through playwright-core, never its own download).
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# epubcheck: the EPUB fixtures the book tests read must pass the W3C checker (Java, run as a program).
command -v epubcheck >/dev/null 2>&1 || missing+=(epubcheck)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  echo "ensure-system-tools: installing ${missing[*]}" >&2
  $as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
