#!/usr/bin/env bash
# The web server of `make run` (and of production behind nginx): uvicorn on the ASGI application.
# Its event loop reads headers and bodies, so a slow phone or a slowloris costs a coroutine, not a
# worker; cej/limits.py refuses oversized bodies before reading them. WEB_WORKERS processes (each
# restarted by uvicorn's supervisor if it dies), at most WEB_MAX_CONNECTIONS open connections each.
# Client addresses are never rewritten from X-Forwarded-For here: the application trusts exactly
# NUM_PROXIES hops itself (settings), so a client cannot pose as another address.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/uvicorn cej.asgi:application \
  --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" \
  --workers "${WEB_WORKERS:-2}" \
  --limit-concurrency "${WEB_MAX_CONNECTIONS:-1000}" \
  --timeout-keep-alive "${WEB_KEEPALIVE_S:-20}" \
  --timeout-graceful-shutdown 30 \
  --no-proxy-headers --no-server-header \
  "$@"
