# The relay's image. `docker compose up` (compose.yaml) runs it with PostgreSQL 16; alone,
# `docker build -t jazzhr-relay . && docker run -p 8080:8080 -v relay-data:/data jazzhr-relay`
# keeps its SQLite file in the /data volume.

# Compiles the TypeScript with every dependency; nothing of this stage but dist/ is kept.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json index.ts ./
COPY src ./src
COPY bench ./bench
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json

# What the relay needs at run time: pg, zod, prom-client (and zapier-platform-core, which the
# Zapier app lists as a dependency; the relay never loads it).
FROM node:22-slim AS runtime-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:22-slim
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080 \
    RELAY_HOST=0.0.0.0 \
    DATABASE_URL=sqlite:/data/relay.sqlite
COPY --from=runtime-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/relay/main.js"]
