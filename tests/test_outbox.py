"""A note uploaded while the broker is down is kept and answered 202, then sent within a minute.

Real Redis, on a port of the test's own so it can be stopped and started again: stopped, an upload
is stored with an empty outbox flag (Declaration.queued_at) instead of a 500; the phone's retry is
still the same note; once Redis is back, the outbox sweep (tasks.publish_unqueued) puts the message on
the broker — checked by reading Redis itself — and marks the note queued.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from cej.celery import app as celery_app
from declarations import tasks
from declarations.models import Beneficiary, Declaration
from tests.api.conftest import ApiFor
from tests.conftest import missing_service

URL = "/api/v1/declarations/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing_service("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def use_broker(url: str) -> None:
    """Point the Celery app at another broker, dropping the connections it holds. (Celery reads the
    CELERY_BROKER_URL environment variable before its configuration: CI sets it, so both change.)"""
    from kombu import pools

    os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.broker_url = url
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(tmp_path: Path, queue: str) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    previous = celery_app.conf.broker_url
    previous_env = os.environ.get("CELERY_BROKER_URL")
    use_broker(server.url)
    yield server
    server.stop()
    use_broker(previous)
    if previous_env is None:
        os.environ.pop("CELERY_BROKER_URL", None)


def upload(client, client_id: uuid.UUID):  # type: ignore[no-untyped-def]
    payload = {"text": "Lundi j'ai envoyé un CV chez Lidl.", "client_id": str(client_id), "recorded_at": "2026-01-07T18:30:00+01:00"}
    return client.post(URL, payload, format="json")


def messages_waiting(server: PrivateRedis, queue: str) -> int:
    return int(redis.Redis.from_url(server.url).llen(queue))


def test_an_upload_while_the_broker_is_down_is_kept_then_sent(
    broker: PrivateRedis,
    queue: str,
    jeune: Beneficiary,
    api_for: ApiFor,
    settings: Settings,
    django_capture_on_commit_callbacks: type[DjangoCaptureOnCommitCallbacks],
) -> None:
    settings.PIPELINE_OUTBOX_GRACE_S = 0
    client_id = uuid.uuid4()
    broker.stop()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(api_for(jeune), client_id)
    elapsed = time.monotonic() - started

    assert response.status_code == 202, response.content
    assert response.json()["status"] == "received"
    assert elapsed < 15  # a couple of quick retries, not kombu's minutes of reconnecting
    declaration = Declaration.objects.get()
    assert declaration.queued_at is None

    # The phone retries while the broker is still down: the same note, still kept.
    with django_capture_on_commit_callbacks(execute=True):
        retry = upload(api_for(jeune), client_id)
    assert retry.status_code == 200
    assert retry.json()["id"] == declaration.pk
    assert Declaration.objects.count() == 1

    broker.start()  # the same port again: the app reconnects by itself
    assert tasks.publish_unqueued() == 1

    declaration.refresh_from_db()
    assert declaration.queued_at is not None
    assert messages_waiting(broker, queue) == 1
    assert tasks.publish_unqueued() == 0  # sent once, not at every sweep


def test_a_retry_of_an_unqueued_note_sends_it_at_once(
    broker: PrivateRedis,
    queue: str,
    jeune: Beneficiary,
    api_for: ApiFor,
    django_capture_on_commit_callbacks: type[DjangoCaptureOnCommitCallbacks],
) -> None:
    client_id = uuid.uuid4()
    broker.stop()
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(api_for(jeune), client_id).status_code == 202
    broker.start()

    with django_capture_on_commit_callbacks(execute=True):
        retry = upload(api_for(jeune), client_id)

    assert retry.status_code == 200
    assert Declaration.objects.get().queued_at is not None
    assert messages_waiting(broker, queue) == 1


def test_one_persons_backlog_does_not_delay_anothers_note(
    broker: PrivateRedis,
    queue: str,
    jeune: Beneficiary,
    other_jeune: Beneficiary,
    settings: Settings,
) -> None:
    """Fair turns on the real broker: a young person's note goes behind everyone's first notes by as
    many places as they already have notes waiting."""
    from kombu import Consumer, Queue

    from declarations import services
    from tests.factories import DeclarationFactory

    settings.CELERY_BROKER_URL = broker.url
    flood = [DeclarationFactory(beneficiary=jeune, status=Declaration.Status.RECEIVED) for _ in range(4)]
    for declaration in flood:
        assert services.publish(declaration.pk)
    single = DeclarationFactory(beneficiary=other_jeune, status=Declaration.Status.RECEIVED)
    assert services.publish(single.pk)

    order: list[int] = []

    def take(body: object, message: object) -> None:
        order.append(body[0][0])  # type: ignore[index]  # Celery's message: (args, kwargs, embed)
        message.ack()  # type: ignore[attr-defined]

    with celery_app.connection_for_read() as connection:
        with Consumer(connection, queues=[Queue(queue)], callbacks=[take], accept=["json"]):
            for _ in range(5):
                connection.drain_events(timeout=5)

    assert sorted(order) == sorted([d.pk for d in flood] + [single.pk])
    assert order.index(single.pk) <= 1  # served with the first of the flood, before the rest of it
