#!/usr/bin/env bash
# Set up and run the service on the embedded default: web server, a real Celery worker and its
# scheduler, SQLite, audio on disk, a filesystem broker. Ctrl-C stops everything.
# Production-like by default: DEBUG off, a random key made once under var/ (cej/env.py), plain HTTP
# on 127.0.0.1 only (HTTPS is the front's job in production: see README "Production").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
export DJANGO_SETTINGS_MODULE=cej.settings
export DEBUG="${DEBUG:-false}" HTTPS="${HTTPS:-false}" NUM_PROXIES="${NUM_PROXIES:-0}"
py=.venv/bin/python
port="${PORT:-8000}"

# Default engine: Vosk with the official small French model, fetched once (checksum verified).
if [ "${SPEECH_ENGINE:-vosk}" = "vosk" ] && [ -z "${SPEECH_MODEL_PATH:-}" ]; then
  $py manage.py install_speech_model || {
    echo "The French Vosk model could not be installed (no internet?)." >&2
    echo "Either point SPEECH_MODEL_PATH at an unpacked Vosk model, or use faster-whisper:" >&2
    echo "  SPEECH_ENGINE=whisper SPEECH_MODEL_PATH=../shared/models/faster-whisper-base make run" >&2
    exit 2
  }
fi
$py manage.py speech_status --check
$py manage.py migrate --noinput
# Demo accounts with a known password, on a server that only listens on 127.0.0.1.
$py manage.py seed_demo --force
$py manage.py collectstatic --noinput -v 0

# Each long-running part is restarted if it dies, so a crashed worker never takes the web down.
supervise() {
  local name=$1
  shift
  while true; do
    local status=0
    "$@" || status=$?
    echo "run: $name stopped (exit $status); restarting in 2 s" >&2
    sleep 2
  done
}
trap 'trap - INT TERM EXIT; kill 0 2>/dev/null; wait 2>/dev/null' INT TERM EXIT

# One worker process per core, one recognition thread each: twice the notes an hour of one process
# with two threads on 2 cores (README, Benchmarks: throughput).
export WORKER_CONCURRENCY="${WORKER_CONCURRENCY:-$(nproc)}" WHISPER_CPU_THREADS="${WHISPER_CPU_THREADS:-1}"
supervise worker .venv/bin/celery -A cej worker --loglevel "${LOG_LEVEL:-INFO}" \
  --concurrency "$WORKER_CONCURRENCY" --pool "${WORKER_POOL:-prefork}" &
supervise beat .venv/bin/celery -A cej beat --loglevel "${LOG_LEVEL:-INFO}" \
  --schedule var/celerybeat-schedule &
echo "Service on http://127.0.0.1:${port}/ (login: conseiller / demo1234), API docs at /api/v1/docs/" >&2
supervise web scripts/serve-web.sh &
wait
