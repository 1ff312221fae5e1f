#!/usr/bin/env bash
# Set up and run the whole test suite. Extra arguments go to pytest.
# Uses the local PostgreSQL and Redis when they answer (CI sets DATABASE_URL/CELERY_BROKER_URL itself);
# integration tests fail rather than skip when CI=true and a service is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

port_open() { .venv/bin/python -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1" 2>/dev/null; }
if [ -z "${DATABASE_URL:-}" ] && port_open 5432; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/cej"
fi
if [ -z "${CELERY_BROKER_URL:-}" ] && port_open 6379; then
  export CELERY_BROKER_URL="redis://127.0.0.1:6379/15"
fi
export SPEECH_TEST_WHISPER_MODEL="${SPEECH_TEST_WHISPER_MODEL:-$(cd .. && pwd)/shared/models/faster-whisper-base}"
export SHARED_DIR="${SHARED_DIR:-$(cd .. && pwd)/shared}"
echo "test: DATABASE_URL=${DATABASE_URL:-sqlite (embedded)} CELERY_BROKER_URL=${CELERY_BROKER_URL:-filesystem (embedded)}" >&2
exec .venv/bin/pytest "$@"
