# syntax=docker/dockerfile:1
# ClawShield images. Targets:
#   clawshield (default)  the sidecar + HTTP API, also carries the OpenClaw plugin folder (/app)
#   gateway               the real OpenClaw Gateway (pinned) with the ClawShield plugin at /app
#   tools                 the full-stack validation tools (fake model server, action producer, assertor)
# Runs on Node 24 (the base image); TypeScript runs directly (Node's type stripping), no build step.
# Read-only root file system friendly: everything written goes to /var/lib/clawshield (a volume)
# or /tmp (mount a tmpfs).

ARG NODE_IMAGE=node:24-slim
ARG OPENCLAW_VERSION=2026.9.6

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; install scripts off (tree-sitter runs as WASM, no native build).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS clawshield
ENV NODE_ENV=production NO_COLOR=1 \
    CLAWSHIELD_RUNTIME_STATE_DIR=/var/lib/clawshield \
    CLAWSHIELD_SESSION_STATE_PATH=/var/lib/clawshield/state.db \
    CLAWSHIELD_RUNTIME_DECISION_LOG_PATH=/var/lib/clawshield/decisions.jsonl \
    CLAWSHIELD_SECURITY_QUARANTINE_DIR=/var/lib/clawshield/quarantine \
    CLAWSHIELD_SERVER_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json openclaw.plugin.json ./
COPY bin ./bin
COPY src ./src
RUN mkdir -p /var/lib/clawshield && chown -R node:node /var/lib/clawshield
USER node
VOLUME ["/var/lib/clawshield"]
EXPOSE 18780
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.CLAWSHIELD_SERVER_PORT||18780)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The runtime Node flags and malloc setting of src/service/node-flags.ts (so `start` need not re-execute).
# Node's compile cache on the state volume (src/service/compile-cache.ts): from the second start
# with the same volume on, the sidecar does not load Node's TypeScript stripper (~10-20 MB less RSS).
ENV MALLOC_ARENA_MAX=1 MALLOC_TRIM_THRESHOLD_=65536 NODE_COMPILE_CACHE=/var/lib/clawshield/node-compile-cache
ENTRYPOINT ["node", "--liftoff-only", "--max-semi-space-size=8", "--max-old-space-size=256", "/app/src/cli/main.ts"]
CMD ["start"]

FROM clawshield AS gateway
USER root
ARG OPENCLAW_VERSION
# The Gateway itself, pinned; its optional native install scripts stay off.
RUN mkdir -p /opt/openclaw && cd /opt/openclaw && npm init -y >/dev/null \
 && npm install --ignore-scripts --no-audit --no-fund openclaw@${OPENCLAW_VERSION} \
 && mkdir -p /home/node/.openclaw && chown -R node:node /home/node/.openclaw
ENV OPENCLAW_DISABLE_BONJOUR=1 OPENCLAW_NO_RESPAWN=1 OPENCLAW_STATE_DIR=/home/node/.openclaw
USER node
EXPOSE 18789
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
  CMD ["node", "-e", "require('net').connect(18789,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/openclaw/node_modules/openclaw/openclaw.mjs"]
CMD ["gateway", "run", "--bind", "lan", "--port", "18789", "--auth", "token", "--allow-unconfigured"]

FROM ${NODE_IMAGE} AS tools
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
USER node
ENTRYPOINT ["node"]
