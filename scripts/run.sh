#!/usr/bin/env bash
# Set up and run the service on the embedded default: web server + a real Celery worker,
# SQLite, audio on disk, a filesystem broker. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh runtime
export DJANGO_SETTINGS_MODULE=cej.settings
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
$py manage.py seed_demo
$py manage.py collectstatic --noinput -v 0

.venv/bin/celery -A cej worker --loglevel "${LOG_LEVEL:-INFO}" \
  --concurrency "${WORKER_CONCURRENCY:-1}" --pool "${WORKER_POOL:-prefork}" \
  --beat --schedule var/celerybeat-schedule &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo "Service on http://127.0.0.1:${port}/ (login: conseiller / demo1234), API docs at /api/v1/docs/" >&2
.venv/bin/gunicorn cej.wsgi --bind "127.0.0.1:${port}" --workers "${WEB_WORKERS:-2}" --access-logfile - &
web=$!
trap 'kill $worker $web 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
wait -n $worker $web
