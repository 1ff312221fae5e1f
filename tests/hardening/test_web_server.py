"""The real web server of `make run` (scripts/serve-web.sh) against slow and oversized clients.

Each test talks to the server over a socket on 127.0.0.1, as a phone or an attacker would: clients
that send their headers slowly must not hold the site, a slow but steady upload must get through, a
stalled one is given up, and an oversized body is refused before it is read — on its Content-Length,
or while a chunked body streams. Bounded: every case finishes in a few seconds.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 256 * 1024  # SPEECH_MAX_UPLOAD_BYTES for these tests
UPLOAD_CAP = LIMIT + 1024 * 1024  # plus the multipart allowance of cej/limits.py


EDITORS = 20
SEED = f"""
import django; django.setup()
from tests.factories import BeneficiaryFactory, CounsellorFactory, StepFactory
counsellor = CounsellorFactory(user__username="conseiller")
for n in range({EDITORS}):
    jeune = BeneficiaryFactory(user__username=f"editeur{{n}}", counsellor=counsellor)
    StepFactory(declaration__beneficiary=jeune)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    var = tmp_path_factory.mktemp("server-var")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        VAR_DIR=str(var),
        DEBUG="false",
        HTTPS="false",
        NUM_PROXIES="0",
        PORT=str(port),
        WEB_WORKERS="2",
        SPEECH_MAX_UPLOAD_BYTES=str(LIMIT),
        UPLOAD_IDLE_TIMEOUT_S="1.5",
        DJANGO_SETTINGS_MODULE="cej.settings",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    # 20 young people, each with a note waiting to be confirmed (for the concurrent editors test)
    subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True, timeout=300)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "serve-web.sh")], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http_get(port, "/healthz", timeout=1)[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the web server did not start: " + process.communicate()[0].decode(errors="replace"))
    yield port
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        status, _, body = read_response(sock)
    return status, body


def post_headers(port: int, extra: str, timeout: float = 5) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.sendall(
        (
            "POST /api/v1/declarations/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=xyz\r\n" + extra + "\r\n"
        ).encode()
    )
    return sock


def test_clients_sending_their_headers_slowly_do_not_hold_the_site(server: int) -> None:
    slow = []
    for _ in range(8):  # four times what took down the former two-worker server
        sock = socket.create_connection(("127.0.0.1", server), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # ... and the rest never comes
        slow.append(sock)
    try:
        started = time.monotonic()
        status, body = http_get(server, "/healthz", timeout=3)
        elapsed = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()

    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert elapsed < 2


def test_an_oversized_upload_is_refused_on_its_content_length_before_a_byte_is_sent(server: int) -> None:
    sock = post_headers(server, f"Content-Length: {400 * 1024 * 1024}\r\n")
    with sock:
        status, headers, body = read_response(sock)  # no body sent: the answer cannot come from reading it

    assert status == 413
    assert headers["content-type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["code"] == "audio_too_large"
    assert "taille maximale" in payload["message"]


def test_a_chunked_upload_is_cut_off_as_soon_as_it_passes_the_limit(server: int) -> None:
    sock = post_headers(server, "Transfer-Encoding: chunked\r\n")
    sent = 0
    chunk = b"x" * 65536
    with sock:
        try:
            while sent < 50 * UPLOAD_CAP:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, body = read_response(sock)

    assert status == 413
    assert json.loads(body)["code"] == "audio_too_large"
    assert sent < 10 * UPLOAD_CAP  # refused while streaming, not after reading everything


def test_a_slow_but_steady_upload_gets_through(server: int) -> None:
    # 12 pieces, 0.5 s apart: 6 s in all, four times the idle limit, never idle for long.
    pieces = [b"--xyz\r\n", b'Content-Disposition: form-data; name="client_id"\r\n\r\n', b"not-a-uuid\r\n"]
    pieces += [b"--xyz\r\n" + b"Content-Disposition: form-data; name=\"pad\"\r\n\r\n" + b"p" * 1000 + b"\r\n"] * 8
    pieces.append(b"--xyz--\r\n")
    total = sum(len(p) for p in pieces)
    sock = post_headers(server, f"Content-Length: {total}\r\n", timeout=10)
    with sock:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(0.5)
        status, _, body = read_response(sock)

    # The whole body reached the application, which then asked for a login.
    assert status == 401
    assert json.loads(body)["code"] == "not_authenticated"


def test_an_upload_that_stops_arriving_is_given_up(server: int) -> None:
    sock = post_headers(server, "Content-Length: 100000\r\n", timeout=10)
    with sock:
        sock.sendall(b"--xyz\r\n")  # then silence, longer than UPLOAD_IDLE_TIMEOUT_S
        started = time.monotonic()
        status, _, body = read_response(sock)

    assert status == 408
    assert json.loads(body)["code"] == "upload_stalled"
    assert time.monotonic() - started < 5


def test_a_malformed_content_length_is_a_400(server: int) -> None:
    sock = post_headers(server, "Content-Length: 12abc\r\n")
    with sock:
        status, _, _ = read_response(sock)

    assert status == 400


def test_the_site_still_answers_after_all_of_this(server: int) -> None:
    assert http_get(server, "/healthz")[0] == 200


def http_json(port: int, method: str, path: str, body: dict | None = None, token: str = "") -> tuple[int, dict]:
    payload = json.dumps(body).encode() if body is not None else b""
    headers = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    headers += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    if token:
        headers += f"Authorization: Bearer {token}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(headers.encode() + b"\r\n" + payload)
        status, _, raw = read_response(sock)
    return status, json.loads(raw) if raw else {}


def test_twenty_people_editing_at_once_on_the_embedded_database_meet_no_error(server: int) -> None:
    # SQLite without WAL and a busy timeout answered "database is locked" (a 500) under such load.
    from concurrent.futures import ThreadPoolExecutor

    def edit(n: int) -> list[int]:
        status, tokens = http_json(server, "POST", "/api/v1/auth/token/", {"username": f"editeur{n}", "password": "demo1234"})
        if status != 200:
            return [status]
        statuses = [status]
        status, listing = http_json(server, "GET", "/api/v1/declarations/", token=tokens["access"])
        statuses.append(status)
        step = listing["results"][0]["steps"][0]["id"]
        for count in (2, 3, 4):
            status, _ = http_json(server, "PATCH", f"/api/v1/steps/{step}/", {"count": count}, token=tokens["access"])
            statuses.append(status)
        return statuses

    with ThreadPoolExecutor(max_workers=EDITORS) as pool:
        results = list(pool.map(edit, range(EDITORS)))

    assert all(status == 200 for statuses in results for status in statuses), results
    assert sum(len(statuses) for statuses in results) == EDITORS * 5
