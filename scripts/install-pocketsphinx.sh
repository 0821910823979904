#!/usr/bin/env bash
# Installs Debian's pocketsphinx and its US English model, when missing: the example recognizer
# of the optional transcript check (QA_ASR_COMMAND=scripts/asr/pocketsphinx-words, docs/verify.md).
# Not needed otherwise: the check is off unless QA_ASR_COMMAND is set. pocketsphinx (BSD-2) is
# run as a separate program, never linked.
set -euo pipefail
model=/usr/share/pocketsphinx/model/en-us
missing=()
command -v pocketsphinx_continuous >/dev/null 2>&1 || missing+=(pocketsphinx)
[ -d "$model/en-us" ] && [ -f "$model/en-us.lm.bin" ] && [ -f "$model/cmudict-en-us.dict" ] || missing+=(pocketsphinx-en-us)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  echo "install-pocketsphinx: installing ${missing[*]}" >&2
  $as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
