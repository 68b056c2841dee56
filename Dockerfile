# syntax=docker/dockerfile:1
# im-gateway production image: the TypeScript sources run with tsx on Node 20 (Debian slim, glibc), as a non-root user.

# Both stages use the same image so that the platform binaries npm picks from optional
# dependencies in the deps stage (esbuild for tsx, @node-rs/argon2: linux, glibc, this CPU)
# are the ones the final stage can load. Do not build the deps stage for another platform.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked. --ignore-scripts: the project's postinstall
# runs `tap build`, a dev tool; the native packages above need no install script (their binary
# is the optional dependency itself).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
# Embedded PGlite database and stored files live in DATA_DIR; the volume is created owned by
# the image's unprivileged "node" user (uid 1000) before VOLUME, so a new volume inherits it.
RUN mkdir -p /data && chown node:node /data
# Code and dependencies stay owned by root: the server cannot modify them.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY migrations ./migrations
COPY src ./src
COPY assets ./assets
USER node
VOLUME ["/data"]
EXPOSE 8080
# No curl in slim images: node's own fetch. A first start on an empty volume migrates the
# embedded database, which takes several seconds, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (src/server.ts closes gracefully on it).
CMD ["node", "--import", "tsx", "src/server.ts"]
