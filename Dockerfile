# Production image: builds the TypeScript, then runs the built server as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY dialogs ./dialogs
COPY web ./web
COPY scripts ./scripts
COPY locales ./locales
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3978
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root content ./content
COPY --chown=root:root locales ./locales
# Files belong to root and are read-only for the user that runs the server.
USER node
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A larger young generation: a turn's short-lived objects die there instead of being promoted
# (README, Performance: 5 to 10 % less time per turn, for about 40 MB more memory).
CMD ["node", "--max-semi-space-size=32", "dist/src/main.js"]
