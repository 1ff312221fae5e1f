"""p95 latency of the counsellor queue, the declaration page and the reports API.

Each request goes through the project's WSGI application (`cej.wsgi.application`) as gunicorn hands
it over: the request_started/request_finished signals run, so the database connection is kept or
reopened as production settings say (Django's test client would keep it whatever the settings). No
network and no HTTP server: what is measured is Django's work and the database's. Against whatever
DATABASE_URL points to, after `manage.py generate_load_data` (which also builds the report's roll-up).
Usage, with production settings (plain HTTP here, hence no HTTPS redirect):

    DATABASE_URL=postgres://… DEBUG=false SECRET_KEY=… SECURE_SSL_REDIRECT=false \
        .venv/bin/python benchmarks/bench_pages.py [--requests 200] [--prefix charge]

The machine's load average is printed with the results: on a shared machine, compare runs made under
similar load (the `cpu p50` column, this process's own CPU time, moves less than wall time).

Targets (issue 5): queue ≤ 30 ms (its "À traiter" tab, the default, and its "Traitées" tab), declaration
≤ 50 ms, reports API ≤ 300 ms at p95, on PostgreSQL with 100,000 declarations and 1,000,000 steps.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from cej.wsgi import application  # noqa: E402  (sets Django up, as gunicorn's import does)
from declarations.models import Counsellor, Declaration, Manager, Step  # noqa: E402

TARGETS_MS = {"queue": 30.0, "queue_reviewed": 30.0, "declaration": 50.0, "reports_api": 300.0}


def wsgi_get(session_cookie: str, path: str, query: dict[str, str] | None = None) -> int:
    """One GET through the WSGI application, as gunicorn calls it; returns the HTTP status."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": urlencode(query or {}),
        "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "localhost",
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session_cookie}", "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }
    statuses: list[str] = []
    body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(body)
    finally:
        body.close()  # sends request_finished: Django closes or keeps the connection here
    return int(statuses[0].split()[0])


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(name: str, count: int, request: Callable[[int], int]) -> dict[str, float]:
    for index in range(5):  # warm-up: connection, templates, caches
        request(index)
    samples: list[float] = []
    cpu: list[float] = []
    for index in range(count):
        start, start_cpu = time.perf_counter(), time.process_time()
        status = request(index)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if status != 200:
            raise SystemExit(f"{name}: HTTP {status}")
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "max": max(samples),
        # Python's own CPU time: less sensitive than wall time to other processes on a shared machine.
        "cpu_p50": statistics.median(cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--prefix", default="charge")
    args = parser.parse_args()
    settings.DEBUG = False  # no query log: measure what production does

    counsellor = (
        Counsellor.objects.filter(user__username__startswith=f"{args.prefix}-")
        .annotate(waiting=Count("portfolio__declarations"))
        .order_by("-waiting")
        .select_related("user")
        .first()
    )
    manager = Manager.objects.filter(user__username=f"{args.prefix}-responsable").select_related("user").first()
    if counsellor is None or manager is None:
        raise SystemExit(f"No load data with prefix {args.prefix!r}: run manage.py generate_load_data first.")
    declaration_ids = list(
        Declaration.objects.filter(
            beneficiary__counsellor=counsellor, status=Declaration.Status.SUBMITTED
        ).values_list("pk", flat=True)[:50]
    )
    if not declaration_ids:
        raise SystemExit("The busiest counsellor has no submitted declaration.")

    sessions = {}
    for role, user in (("counsellor", counsellor.user), ("manager", manager.user)):
        client = Client()
        client.force_login(user)  # a session as the login page would open it
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value

    sys.stderr.write(
        f"database: {connection.vendor} · declarations: {Declaration.objects.count():,} · "
        f"steps: {Step.objects.count():,} · counsellor {counsellor.user.username} "
        f"({counsellor.waiting:,} declarations in portfolio) · "  # type: ignore[attr-defined]
        f"CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']} s\n"
    )
    results = {
        "queue": measure(
            "queue", args.requests,
            lambda i: wsgi_get(sessions["counsellor"], "/conseiller/", {"page": str(1 + i % 3)}),
        ),
        # The "Traitées" tab: most of a portfolio's notes, read at the first pages and deep in the list.
        "queue_reviewed": measure(
            "queue_reviewed", args.requests,
            lambda i: wsgi_get(
                sessions["counsellor"], "/conseiller/", {"status": "reviewed", "page": str((1, 10, 40)[i % 3])}
            ),
        ),
        "declaration": measure(
            "declaration", args.requests,
            lambda i: wsgi_get(
                sessions["counsellor"], f"/conseiller/declarations/{declaration_ids[i % len(declaration_ids)]}/"
            ),
        ),
        "reports_api": measure(
            "reports_api", args.requests,
            lambda i: wsgi_get(sessions["manager"], "/api/v1/reports/overview/"),
        ),
    }
    sys.stderr.write("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f}\n".format(*os.getloadavg()))
    print(f"{'page':<16}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'cpu p50':>10}{'target p95':>12}")
    for name, figures in results.items():
        verdict = "ok" if figures["p95"] <= TARGETS_MS[name] else "OVER"
        print(
            f"{name:<16}{figures['p50']:>10.1f}{figures['p95']:>10.1f}{figures['max']:>10.1f}{figures['cpu_p50']:>10.1f}"
            f"{TARGETS_MS[name]:>9.0f} ms {verdict}"
        )


if __name__ == "__main__":
    main()
