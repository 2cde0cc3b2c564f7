# One image for every payq app; the compose file picks the app by command.
# Stage 1 installs the workspace from the lockfile; stage 2 is the runtime, without pnpm or build caches,
# running as the unprivileged `node` user. TypeScript runs through tsx, as everywhere else in payq.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN npm install -g pnpm@10.34.9
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY apps/bank-sim/package.json apps/bank-sim/
COPY apps/cli/package.json apps/cli/
COPY apps/dashboard/package.json apps/dashboard/
COPY apps/producer/package.json apps/producer/
COPY apps/worker/package.json apps/worker/
COPY packages/runtime/package.json packages/runtime/
COPY packages/shared/package.json packages/shared/
COPY packages/testing/package.json packages/testing/
COPY tools/bench/package.json tools/bench/
COPY tools/chaos/package.json tools/chaos/
COPY test/package.json test/
RUN pnpm install --frozen-lockfile

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app ./
COPY --chown=node:node tsconfig.base.json tsconfig.json ./
COPY --chown=node:node apps apps
COPY --chown=node:node packages packages
USER node
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["apps/cli/src/main.ts", "--help"]
