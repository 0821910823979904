# tts-batch: one image for the API and the workers (`tts-batch api`, `tts-batch worker`).
# Node strips the TypeScript types itself (>= 22.18; this image has 24), so there is no build
# step and no loader: the first stage installs production dependencies (tsx is a dev dependency
# and stays out), the second adds the system tools providers use (ffmpeg, espeak-ng) and the
# sources, and runs as a non-root user.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# ffmpeg: transcoding for providers whose audio is not in the requested container;
# espeak-ng: the keyless local provider; tini: PID 1 that forwards SIGTERM and reaps children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg espeak-ng ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
# Local output (API_DEFAULT_OUTPUT=./renders) must be writable by the runtime user; mount a
# volume here, or use S3 (the compose file does).
RUN mkdir -p /app/renders && chown node:node /app/renders
USER node
EXPOSE 8080
# The API's liveness (/healthz needs no Redis). Workers have no HTTP port: the compose file
# turns this off for them; their liveness is their heartbeat in Redis (see /readyz).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/tts-batch.js"]
CMD ["api"]
