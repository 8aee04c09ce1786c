# syntax=docker/dockerfile:1
#
# One image for the API (default command), the Temporal worker and the migration job:
#   api:     node dist/apps/api/src/main.js        (default CMD)
#   worker:  node dist/apps/worker/src/main.js
#   migrate: node dist/infra/migrate.js
# Node >= 20.19 is required (NestJS 12 is ESM-only; the CommonJS build relies on require(esm)).
#
# npm ci runs with --ignore-scripts: the node:20 image ships npm 10, which ignores package.json
# "allowScripts" and would run every dependency install script (including telemetry). None is needed
# in a container: native binaries (@temporalio/core-bridge, @swc/core-linux-*) come as prebuilt
# packages, and the only allow-listed script (@embedded-postgres) serves the local dev stack only.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: full install (dev dependencies included), compile TypeScript to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY workflows ./workflows
COPY infra ./infra
RUN npm run build

# ---- runtime: production dependencies + compiled output only ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The worker bundles dist/workflows/src with webpack/swc at start: those come with @temporalio/worker,
# a production dependency. @temporalio/testing (devDependency) is only used by the local dev stack.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist

# Files stay owned by root (read-only for the app); the processes run as the unprivileged node user.
# Evidence files live on a volume mounted here; the directory must exist and belong to node.
RUN mkdir -p /var/lib/ogp-monitor/evidence && chown node:node /var/lib/ogp-monitor/evidence
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
