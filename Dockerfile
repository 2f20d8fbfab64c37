# syntax=docker/dockerfile:1
# Agenda: one image for the server and the sync workers (docker-compose.yml picks the command).
# The product runs its TypeScript through tsx, as `npm start` does: there is no compile step to drift from the tests.

# The current Node LTS; the code also runs on the oldest Node package.json's engines accept (20.19).
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Every dependency, dev ones included: the web app and the Outlook add-in are built with Vite.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1
COPY package.json package-lock.json ./
COPY apps/outlook-addin/package.json apps/outlook-addin/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY packages/addin-manifest/package.json packages/addin-manifest/
COPY packages/api/package.json packages/api/
COPY packages/client/package.json packages/client/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/graph/package.json packages/graph/
COPY packages/microsoft-sandbox/package.json packages/microsoft-sandbox/
COPY packages/observability/package.json packages/observability/
COPY packages/sync/package.json packages/sync/
COPY packages/testing/package.json packages/testing/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx turbo run build --filter=@agenda/web --filter=@agenda/outlook-addin --only

# 2. Only what runs: production dependencies (tsx is one: it runs the product), sources, migrations, the built web app
#    and add-in. The tests, benchmarks, the front-end sources and the build tools stay behind.
FROM build AS slim
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf apps/web/src apps/web/e2e apps/outlook-addin/src apps/outlook-addin/e2e .turbo node_modules/.cache \
 && find apps packages -name "*.test.ts" -delete \
 && find apps packages -maxdepth 2 -type d \( -name bench -o -name test-results -o -name e2e \) -prune -exec rm -rf {} +

# 3. The runtime: the slimmed tree on a fresh base, as the unprivileged `node` user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/.data
WORKDIR /app
COPY --from=slim --chown=root:root /app /app
RUN mkdir -p .data && chown node:node .data
USER node
EXPOSE 3000 9464
# The server; the workers run `node --import tsx apps/worker/src/main.ts` (see docker-compose.yml).
CMD ["node", "--import", "tsx", "apps/server/src/main.ts"]
