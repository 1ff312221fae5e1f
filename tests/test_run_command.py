"""The README's run command (scripts/run.sh) survives a killed worker and stops without orphans.

Started for real on the embedded default (SQLite, filesystem broker, a temporary var folder), with
faster-whisper from the shared models: `kill -9` of the Celery worker's main process used to take the
web server down with it (run.sh waited on either); now the worker is started again while the web keeps
answering, the scheduler (beat, a process of its own) is not left orphaned, and stopping run.sh leaves
no process of its group behind.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_processes(pgid: int) -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every live process in the process group."""
    out = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid=,pgid=,stat=,args="], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines():
        parts = line.split(None, 4)
        if len(parts) == 5 and int(parts[2]) == pgid and not parts[3].startswith("Z"):
            rows.append((int(parts[0]), int(parts[1]), parts[4]))
    return rows


def worker_main(pgid: int) -> int | None:
    """The Celery worker's main process (the pool's processes are its children)."""
    rows = group_processes(pgid)
    workers = {pid: ppid for pid, ppid, args in rows if "celery" in args and " worker" in args}
    mains = [pid for pid, ppid in workers.items() if ppid not in workers]
    return mains[0] if len(mains) == 1 else None


def beats(pgid: int) -> list[int]:
    return [pid for pid, _, args in group_processes(pgid) if "celery" in args and " beat" in args]


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.load(response) == {"status": "ok"}
    except OSError:
        return False


def wait_for(what: str, check, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def service(tmp_path: Path, whisper_model_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_", "DJANGO_ALLOW"))}
    env.update(
        VAR_DIR=str(tmp_path / "var"),
        PORT=str(port),
        SPEECH_ENGINE="whisper",
        SPEECH_MODEL_PATH=str(whisper_model_path),
        WEB_WORKERS="1",
    )
    log = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(
        ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_for("the web server", lambda: healthy(port), 300)
        wait_for("the worker", lambda: worker_main(process.pid) is not None, 120)
        yield process, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def test_a_killed_worker_is_restarted_and_the_web_keeps_answering(service: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = service
    pgid = process.pid
    first = worker_main(pgid)
    assert first is not None
    assert len(beats(pgid)) == 1

    os.kill(first, signal.SIGKILL)

    assert healthy(port)  # the web does not go down with the worker
    wait_for("a new worker", lambda: (w := worker_main(pgid)) is not None and w != first, 120)
    assert healthy(port)
    assert len(beats(pgid)) == 1  # one scheduler still, not an orphan beside a new one
    assert process.poll() is None


def test_stopping_the_service_leaves_no_process_behind(service: tuple[subprocess.Popen[bytes], int]) -> None:
    process, _ = service
    pgid = process.pid
    assert len(group_processes(pgid)) >= 3  # web, worker, beat at least

    os.killpg(pgid, signal.SIGTERM)
    process.wait(timeout=60)

    wait_for("every process of the service to end", lambda: group_processes(pgid) == [], 30)
