"""Bounded load test against the production-like setup, on 127.0.0.1 only.

It starts everything itself and stops all of it at the end, on Ctrl-C or on error:
- a PostgreSQL database created for the run (dropped afterwards),
- the web server of `make run` (scripts/serve-web.sh: uvicorn, 2 workers) on a random free port, DEBUG=false, a test SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
- Redis as broker and cache on dedicated db numbers (they must be empty; flushed afterwards),
- 2 Celery worker processes with faster-whisper base,
then 20 young people upload the shortest notes of ../shared/datasets/audio-dev for --duration seconds,
each retrying some uploads with the same client_id (idempotency), and waits (bounded) until every note
is processed. Standard library only (threads + urllib), plus psycopg and redis from the project.

    .venv/bin/python benchmarks/load.py [--duration 60] [--clients 20] [--think 10] [--retry-share 0.2]

Prints: requests, errors, p50/p95 upload latency, notes processed, duplicates (must be 0), drain time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
PASSWORD = "charge-1234"
PROCESSING = ("received", "transcribing", "extracting")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Processes ---------------------------------------------------------------------------------------


@dataclass
class Services:
    """Everything the run started, so that everything is stopped whatever happens."""

    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    database: str | None = None
    admin_url: str = ""
    redis_dbs: list[int] = field(default_factory=list)
    redis_url: str = ""

    def start(self, name: str, command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
        with log_path.open("ab") as output:
            # A session of its own: the whole group (the web server's workers too) is stopped together.
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append((name, process))
        return process

    def stop(self) -> None:
        for name, process in reversed(self.processes):
            if process.poll() is None:
                log(f"stopping {name} (pid {process.pid})")
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop: SIGKILL")
                _signal_group(process, signal.SIGKILL)
                process.wait()
        # The group may still hold children whose leader already exited (the web server's workers).
        for _name, process in self.processes:
            _signal_group(process, signal.SIGKILL)
        self.processes.clear()
        if self.database:
            import psycopg

            try:
                with psycopg.connect(self.admin_url, autocommit=True) as connection:
                    connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
                log(f"dropped database {self.database}")
            except psycopg.Error as error:
                log(f"could not drop database {self.database}: {error}")
            self.database = None
        if self.redis_dbs:
            import redis

            for number in self.redis_dbs:
                redis.Redis.from_url(f"{self.redis_url}/{number}").flushdb()
            log(f"flushed redis db {', '.join(map(str, self.redis_dbs))}")
            self.redis_dbs = []


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, check: Any, process: subprocess.Popen[bytes], log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{what} did not start:\n{tail}")
        time.sleep(0.3)


# --- HTTP --------------------------------------------------------------------------------------------


def request(url: str, body: bytes | None, headers: dict[str, str], timeout: float = 60) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def multipart(fields: dict[str, str], audio_name: str, audio: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="{audio_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode() + audio + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    created: set[tuple[str, int]] = field(default_factory=set)  # (client_id, declaration id)
    retries: int = 0
    retries_same_id: int = 0
    errors: list[str] = field(default_factory=list)

    def record(self, latency: float, status: int | str) -> None:
        with self.lock:
            self.latencies.append(latency)
            self.statuses[str(status)] += 1


def client_loop(
    base: str, token: str, notes: list[tuple[str, bytes]], args: argparse.Namespace, stop: threading.Event,
    results: Results, seed: int,
) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        name, audio = rng.choice(notes)
        client_id = str(uuid.uuid4())
        recorded_at = datetime.now(UTC).isoformat()
        body, content_type = multipart({"client_id": client_id, "recorded_at": recorded_at}, name, audio)
        attempts = 2 if rng.random() < args.retry_share else 1
        first_id = None
        for attempt in range(attempts):
            started = time.perf_counter()
            try:
                status, payload = request(
                    f"{base}/api/v1/declarations/", body, {**headers, "Content-Type": content_type}
                )
            except (OSError, urllib.error.URLError) as error:
                results.record(time.perf_counter() - started, "exception")
                with results.lock:
                    results.errors.append(f"{type(error).__name__}: {error}")
                break
            results.record(time.perf_counter() - started, status)
            expected = 202 if attempt == 0 else 200
            if status != expected:
                with results.lock:
                    results.errors.append(f"{status} (expected {expected}): {payload[:200]!r}")
                break
            declaration_id = json.loads(payload)["id"]
            with results.lock:
                if attempt == 0:
                    first_id = declaration_id
                    results.created.add((client_id, declaration_id))
                else:
                    results.retries += 1
                    results.retries_same_id += declaration_id == first_id
        # Think time between notes, with jitter; a stop cuts it short.
        stop.wait(args.think * rng.uniform(0.5, 1.5))


# --- Database ----------------------------------------------------------------------------------------


def status_counts(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT status, count(*) FROM declarations_declaration GROUP BY status"
        ).fetchall()
    return {status: count for status, count in rows}


def duplicate_counts(database_url: str) -> tuple[int, int]:
    """(client_ids held by more than one declaration, declarations whose steps repeat a position)."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        (duplicated_notes,) = connection.execute(
            "SELECT count(*) FROM (SELECT 1 FROM declarations_declaration"
            " GROUP BY beneficiary_id, client_id HAVING count(*) > 1) AS d"
        ).fetchone()
        (duplicated_steps,) = connection.execute(
            "SELECT count(*) FROM (SELECT 1 FROM declarations_step"
            " GROUP BY declaration_id, origin, position HAVING count(*) > 1) AS s"
        ).fetchone()
    return int(duplicated_notes), int(duplicated_steps)


# --- Run ---------------------------------------------------------------------------------------------


def shortest_notes(count: int) -> list[tuple[str, bytes]]:
    folder = SHARED / "datasets" / "audio-dev"
    rows = [json.loads(line) for line in (folder / "manifest.jsonl").read_text().splitlines() if line.strip()]
    rows.sort(key=lambda row: row["duration_s"])
    return [(row["file"], (folder / row["file"]).read_bytes()) for row in rows[:count]]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(args: argparse.Namespace, services: Services, workdir: Path) -> int:
    import psycopg
    import redis

    model = Path(args.model).resolve()
    if not (model / "model.bin").is_file():
        raise SystemExit(f"no faster-whisper model at {model} (--model)")
    notes = shortest_notes(args.notes)
    log(f"notes: {', '.join(name for name, _ in notes)}")

    # Redis: dedicated, empty db numbers for the broker and the cache (throttle counts).
    services.redis_url = args.redis.rstrip("/")
    for number in (args.redis_db, args.redis_db + 1):
        if redis.Redis.from_url(f"{services.redis_url}/{number}").dbsize():
            raise SystemExit(f"redis db {number} is not empty: choose others with --redis-db")
    services.redis_dbs = [args.redis_db, args.redis_db + 1]

    # PostgreSQL: a database of the run's own.
    database = f"cej_load_{os.getpid()}"
    services.admin_url = f"{args.postgres.rstrip('/')}/postgres"
    with psycopg.connect(services.admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    services.database = database
    database_url = f"{args.postgres.rstrip('/')}/{database}"
    log(f"created database {database}")

    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_", "CACHE_", "SPEECH_", "THROTTLE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cej.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=f"load-test-only-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS="false",
        NUM_PROXIES="0",
        VAR_DIR=str(workdir / "var"),
        MEDIA_ROOT=str(workdir / "media"),
        CELERY_BROKER_URL=f"{services.redis_url}/{args.redis_db}",
        CACHE_URL=f"{services.redis_url}/{args.redis_db + 1}",
        CELERY_QUEUE=f"load-{os.getpid()}",
        SPEECH_ENGINE="whisper",
        SPEECH_MODEL_PATH=str(model),
        WHISPER_CPU_THREADS=str(args.whisper_threads),
        THROTTLE_UPLOADS="1000000/hour",
        LOGIN_MAX_FAILURES_PER_ADDRESS="100000",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    setup = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.hashers import make_password\n"
        "from declarations.models import Beneficiary, Counsellor, Structure\n"
        "import os\n"
        "User = get_user_model(); password = make_password(os.environ['LOAD_PASSWORD'])\n"
        "structure = Structure.objects.create(name='Mission Locale de charge')\n"
        "counsellor = Counsellor.objects.create(user=User.objects.create(username='conseiller-charge',"
        " password=password), structure=structure)\n"
        "for i in range(int(os.environ['LOAD_CLIENTS'])):\n"
        "    user = User.objects.create(username=f'jeune-charge-{i:02d}', password=password)\n"
        "    Beneficiary.objects.create(user=user, structure=structure, counsellor=counsellor)\n"
    )
    setup_env = {**env, "LOAD_PASSWORD": PASSWORD, "LOAD_CLIENTS": str(args.clients)}
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=setup_env, check=True)
    log(f"{args.clients} beneficiaries created")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = workdir / "logs"
    logs.mkdir()
    web_log = logs / "web.log"
    web = services.start(
        "web server",
        [str(ROOT / "scripts" / "serve-web.sh")],
        {**env, "PORT": str(port), "WEB_WORKERS": "2"}, web_log,
    )
    workers = []
    for index in (1, 2):
        worker_log = logs / f"worker{index}.log"
        worker = services.start(
            f"celery worker {index}",
            [sys.executable, "-m", "celery", "-A", "cej", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--hostname", f"load{index}-{os.getpid()}@%h"],
            env, worker_log,
        )
        workers.append((worker, worker_log))

    def healthy() -> bool:
        try:
            return request(f"{base}/healthz", None, {}, timeout=2)[0] == 200
        except OSError:
            return False

    wait_for("web server", healthy, web, web_log, 60)
    log(f"web server (scripts/serve-web.sh, uvicorn) up on {base} (2 workers)")
    for worker, worker_log in workers:
        wait_for("celery worker", lambda path=worker_log: " ready." in path.read_text(errors="replace"),
                 worker, worker_log, 300)
    log("2 celery workers ready (faster-whisper base)")

    tokens = []
    for i in range(args.clients):
        body = json.dumps({"username": f"jeune-charge-{i:02d}", "password": PASSWORD}).encode()
        status, payload = request(f"{base}/api/v1/auth/token/", body, {"Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"login failed: {status} {payload[:200]!r}")
        tokens.append(json.loads(payload)["access"])

    results = Results()
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=client_loop, args=(base, token, notes, args, stop, results, index), daemon=True
        )
        for index, token in enumerate(tokens)
    ]
    log(f"{args.clients} clients upload for {args.duration:.0f} s (think {args.think} s ± 50 %)")
    started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        stop.wait(args.duration)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=90)
    upload_seconds = time.monotonic() - started
    counts = status_counts(database_url)
    backlog = sum(counts.get(status, 0) for status in PROCESSING)
    log(f"uploads done in {upload_seconds:.0f} s; backlog {backlog}; waiting for the workers")

    drain_started = time.monotonic()
    while True:
        counts = status_counts(database_url)
        left = sum(counts.get(status, 0) for status in PROCESSING)
        if left == 0 or time.monotonic() - drain_started > args.drain_timeout:
            break
        for worker, worker_log in workers:
            if worker.poll() is not None:
                raise RuntimeError(f"a worker died:\n{worker_log.read_text(errors='replace')[-3000:]}")
        time.sleep(1)
    drain = time.monotonic() - drain_started

    duplicated_notes, duplicated_steps = duplicate_counts(database_url)
    total = sum(counts.values())
    processed = total - left
    requests = sum(results.statuses.values())
    errors = len(results.errors)
    latencies_ms = [value * 1000 for value in results.latencies]
    lost = len(results.created) - total
    print()
    print("=== load test ===")
    print(f"setup: uvicorn 2 workers (scripts/serve-web.sh), 2 celery workers (solo, faster-whisper base, {args.whisper_threads} thread(s)),"
          f" PostgreSQL, Redis; {args.clients} clients, think {args.think} s, {upload_seconds:.0f} s of uploads")
    print(f"notes used: {len(notes)} shortest of audio-dev ({', '.join(name for name, _ in notes)})")
    print(f"requests: {requests} uploads ({', '.join(f'{k}: {v}' for k, v in sorted(results.statuses.items()))})")
    print(f"errors: {errors}")
    if latencies_ms:
        print(f"upload latency: p50 {statistics.median(latencies_ms):.0f} ms, p95 {percentile(latencies_ms, 0.95):.0f} ms,"
              f" max {max(latencies_ms):.0f} ms")
    print(f"retries with the same client_id: {results.retries}, answered with the same declaration: "
          f"{results.retries_same_id}")
    print(f"notes accepted: {len(results.created)}; declarations in the database: {total} (lost: {max(lost, 0)})")
    print(f"notes processed: {processed}/{total} ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))})")
    print(f"duplicates: {duplicated_notes} declarations, {duplicated_steps} steps")
    print(f"backlog at the end of uploads: {backlog}; drain time: {drain:.0f} s"
          f"{' (TIMEOUT)' if left else ''}; throughput {processed / (upload_seconds + drain):.2f} notes/s")
    for message in results.errors[:5]:
        print(f"  error: {message}")
    ok = not errors and not left and not duplicated_notes and not duplicated_steps and lost == 0
    ok = ok and results.retries == results.retries_same_id
    print("result:", "OK" if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="seconds of uploads (max 600)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--think", type=float, default=10, help="mean seconds between a client's notes")
    parser.add_argument("--retry-share", type=float, default=0.2, help="share of notes sent twice")
    parser.add_argument("--notes", type=int, default=6, help="how many of the shortest notes to use")
    parser.add_argument("--drain-timeout", type=float, default=900)
    parser.add_argument("--whisper-threads", type=int, default=1, help="per worker (2 workers)")
    parser.add_argument("--postgres", default=os.environ.get("LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379"))
    parser.add_argument("--redis-db", type=int, default=12, help="broker db; the cache uses the next one")
    parser.add_argument("--model", default=str(SHARED / "models" / "faster-whisper-base"))
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args()
    args.duration = min(args.duration, 600)
    for url in (args.postgres, args.redis):
        if "127.0.0.1" not in url and "localhost" not in url:
            raise SystemExit(f"{url}: the load test runs on 127.0.0.1 only")

    def terminate(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    # Ctrl-C must stop the run even when started in the background (where SIGINT is ignored by default).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    services = Services()
    workdir = Path(tempfile.mkdtemp(prefix="cej-load-"))
    try:
        return run(args, services, workdir)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        # Cleaning up must not be cut short by a second Ctrl-C or SIGTERM.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        services.stop()
        if args.keep_logs:
            log(f"logs kept in {workdir / 'logs'}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
