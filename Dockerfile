# syntax=docker/dockerfile:1
# im-gateway production image: compiled JavaScript (npm run build) on Node.js 24 LTS (Debian slim, glibc), as a non-root user.

# Both stages use the same image, so the platform binaries npm picks from optional dependencies
# (@node-rs/argon2, TypeScript's native compiler: linux, glibc, this CPU) suit the machine that
# runs them. Node 24 is the active LTS line; node:22-bookworm-slim (maintenance LTS) works too.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: every dependency, then tsc to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the project's postinstall runs `tap build`, a test tool; no dependency needs an
# install script to work (native binaries are optional dependencies, not built on install).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY migrations ./migrations
COPY assets ./assets
# dist/src (the server), dist/migrations (found at run time two folders above the code, as from
# src/), dist/assets (default pictures), dist/vendor (TypeBox and Kysely bundled by esbuild).
RUN npm run build

# ---- runtime: production dependencies and the compiled tree, nothing else ----
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
# Embedded PGlite database and stored files live in DATA_DIR; the folder is created owned by the
# image's unprivileged "node" user (uid 1000) before VOLUME, so a new volume inherits that owner.
RUN mkdir -p /data && chown node:node /data
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked (see the build stage for --ignore-scripts).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
# Code and dependencies stay owned by root: the server cannot modify them.
COPY --from=build /app/dist ./dist
USER node
VOLUME ["/data"]
EXPOSE 8080
# Ready = the database (and Redis, when configured) answers. No curl in slim images: node's own
# fetch. A first start on an empty volume migrates the embedded database, which takes several
# seconds, hence the start period.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (src/server.ts closes gracefully on it).
# Migrations run at start-up; `node dist/src/cli/migrate.js` applies them without serving.
CMD ["node", "dist/src/server.js"]
