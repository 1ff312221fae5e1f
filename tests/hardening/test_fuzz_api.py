"""No server errors: schemathesis fuzzes every operation of /api/v1/schema/ in-process (the WSGI app),
authenticated with a real JWT, as a young person and as a counsellor.

Checks: no 5xx, and every documented response matches its schema. Bounded: MAX_EXAMPLES generated
cases per operation, each also replayed against a real object of the persona when the path has an id
(random ids are almost always 404s and would leave the real code paths unfuzzed). Destructive
operations (logout, step deletion) run against the throw-away test database; the objects are rebuilt
when an example deleted them.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from pytest_django import Settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error, response_schema_conformance

from cej.wsgi import application
from declarations.models import Beneficiary, Counsellor, Declaration, Step
from tests.factories import DeclarationFactory, StepFactory

# Fuzzed usernames reach the login throttle's cache key: harmless for Redis and files, only memcached
# would mind, and the warning would drown the report.
pytestmark = pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance]
CALLS: dict[str, Counter[str]] = {"jeune": Counter(), "conseiller": Counter()}
OPERATIONS: dict[str, set[str]] = {"jeune": set(), "conseiller": set()}


# Loaded at collection from the app itself (no server, no database needed for the schema).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture(autouse=True)
def fuzzable_app(db: None, settings: Settings) -> Iterator[None]:
    """The real WSGI app, minus what Django's test client also disables: closing the database
    connection at the end of each request would end the test's transaction."""
    # Limits stay out of the way: a 429 would stop the fuzzer from reaching the code behind it.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"uploads": "100000/hour"},
    }
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_media(media_root: Any) -> Any:
    return media_root


def own_objects(jeune: Beneficiary) -> dict[str, int]:
    """A declaration to confirm with a step, and a sent one with a step, recreated when deleted."""
    draft = Declaration.objects.filter(beneficiary=jeune, status=Declaration.Status.TO_CONFIRM).first()
    if draft is None:
        draft = DeclarationFactory(beneficiary=jeune)
    draft_step = draft.steps.first() or StepFactory(declaration=draft)
    sent = Declaration.objects.filter(beneficiary=jeune, status=Declaration.Status.SUBMITTED).first()
    if sent is None:
        sent = DeclarationFactory(
            beneficiary=jeune, status=Declaration.Status.SUBMITTED, submitted_at=timezone.now() - timedelta(hours=1)
        )
    sent_step = sent.steps.filter(decision=Step.Decision.PENDING).first() or StepFactory(declaration=sent)
    return {
        "draft": draft.pk, "draft_step": draft_step.pk, "sent": sent.pk, "sent_step": sent_step.pk,
        "beneficiary": jeune.pk,
    }


def real_path_parameters(persona: str, path_parameters: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    """The same case aimed at an object the persona can reach."""
    real = dict(path_parameters)
    if "declaration_id" in real:
        real["declaration_id"] = ids["draft"] if persona == "jeune" else ids["sent"]
    if "step_id" in real:
        real["step_id"] = ids["draft_step"] if persona == "jeune" else ids["sent_step"]
    if "beneficiary_id" in real:
        real["beneficiary_id"] = ids["beneficiary"]
    return real


def run_case(case: Any, persona: str, user: Any, jeune: Beneficiary) -> None:
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}
    OPERATIONS[persona].add(case.operation.label)
    phase = case.meta.phase.name.value if case.meta is not None else "explicit"
    variants = [dict(case.path_parameters or {})]
    if case.path_parameters and phase == "fuzzing":
        variants.append(real_path_parameters(persona, case.path_parameters, own_objects(jeune)))
    for path_parameters in variants:
        case.path_parameters = path_parameters
        response = case.call(headers=headers)
        CALLS[persona][f"{response.status_code // 100}xx"] += 1
        CALLS[persona][f"phase {phase}"] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)


# Derandomized so CI replays the same examples (a red run is a regression, never luck); set
# FUZZ_RANDOM=1 for an exploratory run with fresh examples.
FUZZ_SETTINGS = settings(
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_as_jeune(case: Any, jeune: Beneficiary, fuzz_media: Any) -> None:
    run_case(case, "jeune", jeune.user, jeune)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_as_conseiller(case: Any, conseiller: Counsellor, jeune: Beneficiary, fuzz_media: Any) -> None:
    run_case(case, "conseiller", conseiller.user, jeune)


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    from tests.hardening.conftest import SUMMARY

    for persona, counts in CALLS.items():
        if counts:
            total = sum(value for key, value in counts.items() if key.endswith("xx"))
            by_status = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()) if key.endswith("xx"))
            by_phase = ", ".join(f"{key[6:]} {value}" for key, value in sorted(counts.items()) if key[:5] == "phase")
            SUMMARY[f"fuzzing as {persona}"] = (
                f"{len(OPERATIONS[persona])} operations, {total} requests ({by_status}; by phase: {by_phase}), "
                f"fuzzing phase bounded to {MAX_EXAMPLES} examples per operation"
            )
