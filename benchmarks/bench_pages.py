"""p95 latency of the counsellor queue, the declaration page and the reports API.

Runs in-process with Django's test Client (no network, no server), against whatever DATABASE_URL
points to, after `manage.py generate_load_data` (which also builds the report's roll-up). Usage, with
production settings (the test client speaks plain HTTP, hence no HTTPS redirect):

    DATABASE_URL=postgres://… DEBUG=false SECRET_KEY=… SECURE_SSL_REDIRECT=false \
        .venv/bin/python benchmarks/bench_pages.py [--requests 200] [--prefix charge]

The machine's load average is printed with the results: on a shared machine, compare runs made under
similar load (the `cpu p50` column, this process's own CPU time, moves less than wall time).

Targets (issue 5): queue ≤ 30 ms (its "À traiter" tab, the default, and its "Traitées" tab), declaration ≤ 50 ms, reports API ≤ 300 ms at p95, on PostgreSQL with
100,000 declarations and 1,000,000 steps.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from declarations.models import Counsellor, Declaration, Manager, Step  # noqa: E402

TARGETS_MS = {"queue": 30.0, "queue_reviewed": 30.0, "declaration": 50.0, "reports_api": 300.0}


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

    counsellor_client, manager_client = Client(), Client()
    counsellor_client.force_login(counsellor.user)
    manager_client.force_login(manager.user)

    sys.stderr.write(
        f"database: {connection.vendor} · declarations: {Declaration.objects.count():,} · "
        f"steps: {Step.objects.count():,} · counsellor {counsellor.user.username} "
        f"({counsellor.waiting:,} declarations in portfolio)\n"  # type: ignore[attr-defined]
    )
    results = {
        "queue": measure(
            "queue", args.requests,
            lambda i: counsellor_client.get("/conseiller/", {"page": str(1 + i % 3)}).status_code,
        ),
        # The "Traitées" tab: most of a portfolio's notes, read at the first pages and deep in the list.
        "queue_reviewed": measure(
            "queue_reviewed", args.requests,
            lambda i: counsellor_client.get(
                "/conseiller/", {"status": "reviewed", "page": str((1, 10, 40)[i % 3])}
            ).status_code,
        ),
        "declaration": measure(
            "declaration", args.requests,
            lambda i: counsellor_client.get(
                f"/conseiller/declarations/{declaration_ids[i % len(declaration_ids)]}/"
            ).status_code,
        ),
        "reports_api": measure(
            "reports_api", args.requests,
            lambda i: manager_client.get("/api/v1/reports/overview/").status_code,
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
