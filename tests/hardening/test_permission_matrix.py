"""No leaks: every API endpoint and counsellor/manager page × every persona × every kind of object.

The expected answers are written as tables below, one row per (operation, object) and one column per
persona, and each cell becomes a test case. The rules they spell out:

- anonymous: 401 on the API (the login page on web pages); the schema and docs are public;
- an object outside one's reach does not exist: 404, with the very body of an id that never existed;
- a forbidden action on a visible object, or an endpoint reserved to another role: 403;
- 409 when the object is visible and the action allowed but its state says no (a sent declaration);
- health (SANTE) steps never reach managers: they get no declaration at all, and reports give counts.

Objects: `draft` (the young person's note still to confirm, theirs alone), `sent` (submitted to the
counsellor, with an EMPLOI step and a SANTE step), `empty` (a submitted note that declares nothing), `grenoble` (a submitted note of a young person of the
other structure), `missing` (an id that never existed), `jeune` (the young person), `lyon` (the
structure), `self` (the persona's own credentials).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from declarations.categories import Category, Kind
from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Review, Step, Structure
from tests.factories import DEMO_PASSWORD, DeclarationFactory, StepFactory

PERSONAS = ("anon", "jeune", "autre_jeune", "conseiller", "conseiller2", "resp", "resp2", "admin")

# Columns: anon = anonymous; jeune = the young person (Lyon); autre_jeune = another young person of the
# same counsellor; conseiller = their counsellor (Lyon); conseiller2 = a counsellor of Grenoble;
# resp = the manager of Lyon; resp2 = the manager of Grenoble; admin = a superuser with no role.
API_MATRIX = """
operation                                        object    anon jeune autre_jeune conseiller conseiller2 resp resp2 admin
GET    /api/v1/schema/                           -         200  200   200         200        200         200  200   200
GET    /api/v1/docs/                             -         200  200   200         200        200         200  200   200
POST   /api/v1/auth/token/                       self      401  200   200         200        200         200  200   200
POST   /api/v1/auth/token/refresh/               self      401  200   200         200        200         200  200   200
POST   /api/v1/auth/logout/                      self      401  204   204         204        204         204  204   204
GET    /api/v1/me/                               -         401  200   200         200        200         200  200   200
GET    /api/v1/me/export/                        -         401  200   200         403        403         403  403   403
GET    /api/v1/referentials/                     -         200  200   200         200        200         200  200   200
GET    /api/v1/notifications/                    -         401  200   200         200        200         200  200   200
GET    /api/v1/declarations/                     -         401  200   200         200        200         403  403   403
POST   /api/v1/declarations/                     -         401  202   202         403        403         403  403   403
GET    /api/v1/declarations/{id}/                draft     401  200   404         404        404         404  404   404
GET    /api/v1/declarations/{id}/                sent      401  200   404         200        404         404  404   404
GET    /api/v1/declarations/{id}/                grenoble  401  404   404         404        200         404  404   404
GET    /api/v1/declarations/{id}/                missing   401  404   404         404        404         404  404   404
POST   /api/v1/declarations/{id}/confirm/        draft     401  200   404         404        404         404  404   404
POST   /api/v1/declarations/{id}/confirm/        sent      401  200   404         403        404         404  404   404
POST   /api/v1/declarations/{id}/confirm/        grenoble  401  404   404         404        403         404  404   404
POST   /api/v1/declarations/{id}/acknowledge/    empty     401  403   404         200        404         404  404   404
POST   /api/v1/declarations/{id}/acknowledge/    sent      401  403   404         409        404         404  404   404
POST   /api/v1/declarations/{id}/acknowledge/    draft     401  403   404         404        404         404  404   404
POST   /api/v1/declarations/{id}/acknowledge/    grenoble  401  404   404         404        409         404  404   404
POST   /api/v1/declarations/{id}/steps/          draft     401  201   404         404        404         404  404   404
POST   /api/v1/declarations/{id}/steps/          sent      401  409   404         403        404         404  404   404
PATCH  /api/v1/steps/{id}/                       draft     401  200   404         404        404         404  404   404
PATCH  /api/v1/steps/{id}/                       sent      401  409   404         403        404         404  404   404
PATCH  /api/v1/steps/{id}/                       missing   401  404   404         404        404         404  404   404
DELETE /api/v1/steps/{id}/                       draft     401  204   404         404        404         404  404   404
DELETE /api/v1/steps/{id}/                       sent      401  409   404         403        404         404  404   404
POST   /api/v1/steps/{id}/review/                draft     401  403   404         404        404         404  404   404
POST   /api/v1/steps/{id}/review/                sent      401  403   404         200        404         404  404   404
POST   /api/v1/steps/{id}/review/                health    401  403   404         200        404         404  404   404
POST   /api/v1/steps/{id}/review/                grenoble  401  404   404         404        200         404  404   404
POST   /api/v1/steps/{id}/reply/                 draft     401  409   404         404        404         404  404   404
POST   /api/v1/steps/{id}/reply/                 sent      401  409   404         403        404         404  404   404
GET    /api/v1/beneficiaries/{id}/weeks/         jeune     401  200   404         200        404         404  404   404
GET    /api/v1/beneficiaries/{id}/weeks/         missing   401  404   404         404        404         404  404   404
GET    /api/v1/reports/overview/                 -         401  403   403         403        403         200  200   403
GET    /api/v1/reports/overview/?structure=      lyon      401  403   403         403        403         200  404   403
GET    /api/v1/reports/overview/?format=csv      -         401  403   403         403        403         200  200   403
"""

# Web pages (session login). 302 for anonymous people is the login page.
WEB_MATRIX = """
operation                                                    object    anon jeune autre_jeune conseiller conseiller2 resp resp2 admin
GET    /                                                     -         302  200   200         302        302         302  302   200
GET    /conseiller/                                          -         302  403   403         200        200         403  403   403
GET    /conseiller/declarations/{id}/                        sent      302  403   403         200        404         403  403   403
GET    /conseiller/declarations/{id}/                        draft     302  403   403         404        404         403  403   403
GET    /conseiller/declarations/{id}/                        grenoble  302  403   403         404        200         403  403   403
GET    /conseiller/declarations/{id}/audio/                  sent      302  403   403         200        404         403  403   403
POST   /conseiller/declarations/{id}/demarches/{step}/decision/  sent  302  403   403         302        404         403  403   403
POST   /conseiller/declarations/{id}/valider-tout/           sent      302  403   403         302        404         403  403   403
POST   /conseiller/declarations/{id}/lue/                    empty     302  403   403         302        404         403  403   403
GET    /conseiller/declarations/{id}/                        empty     302  403   403         200        404         403  403   403
GET    /conseiller/jeunes/{id}/                              jeune     302  403   403         200        404         403  403   403
GET    /responsable/                                         -         302  403   403         403        403         200  200   403
GET    /responsable/?structure=                              lyon      302  403   403         403        403         200  404   403
GET    /responsable/export.csv                               -         302  403   403         403        403         200  200   403
GET    /responsable/export.csv?structure=                    lyon      302  403   403         403        403         200  404   403
"""

# What each persona's list of declarations holds (a 200 must never carry more).
LISTED = {
    "jeune": {"draft", "sent", "empty"},
    "autre_jeune": set(),
    "conseiller": {"sent", "empty"},
    "conseiller2": {"grenoble"},
}

HEALTH_EVIDENCE = "rendez-vous au centre médico-psychologique pour mon traitement"
HEALTH_TRANSCRIPT = f"Lundi j'ai envoyé une candidature chez Decathlon, et mardi {HEALTH_EVIDENCE}."

ERROR_CODES = {
    401: {"not_authenticated", "authentication_failed"},
    403: {"permission_denied"},
    404: {"not_found"},
    409: {"declaration_not_editable", "has_steps", "step_not_rejected"},
}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    target: str
    expected: dict[str, int]

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} [{self.target}]"


def parse(table: str) -> list[Row]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, body = lines[0], lines[1:]
    assert tuple(header[2:]) == PERSONAS, header
    rows = []
    for cells in body:
        method, path, target, *codes = cells
        assert len(codes) == len(PERSONAS), cells
        rows.append(Row(method, path, target, dict(zip(PERSONAS, map(int, codes), strict=True))))
    assert len({row.name for row in rows}) == len(rows), "duplicate rows"
    return rows


API_ROWS = parse(API_MATRIX)
WEB_ROWS = parse(WEB_MATRIX)
API_CASES = [(row, persona) for row in API_ROWS for persona in PERSONAS]
WEB_CASES = [(row, persona) for row in WEB_ROWS for persona in PERSONAS]


@dataclass
class World:
    users: dict[str, AbstractBaseUser | None]
    jeune: Beneficiary
    structure: Structure
    declarations: dict[str, Declaration] = field(default_factory=dict)
    steps: dict[str, Step] = field(default_factory=dict)

    def declaration_id(self, target: str) -> int:
        return 987_654 if target == "missing" else self.declarations[target].pk

    def step_id(self, target: str) -> int:
        return 987_654 if target == "missing" else self.steps[target].pk


def _submitted(beneficiary: Beneficiary, *, transcript: str) -> Declaration:
    return DeclarationFactory(
        beneficiary=beneficiary,
        status=Declaration.Status.SUBMITTED,
        source=Declaration.Source.AUDIO,
        audio=ContentFile(b"RIFF-fake-voice", name="note"),
        audio_size=15,
        transcript=transcript,
        recorded_at=timezone.now() - timedelta(days=1),
        submitted_at=timezone.now() - timedelta(hours=20),
    )


@pytest.fixture
def world(
    media_root: Path,
    structure: Structure,
    jeune: Beneficiary,
    other_jeune: Beneficiary,
    conseiller: Counsellor,
    conseiller_other_structure: Counsellor,
    jeune_other_structure: Beneficiary,
    manager: Manager,
    manager_other_structure: Manager,
    admin_user: AbstractBaseUser,
) -> World:
    world = World(
        users={
            "anon": None,
            "jeune": jeune.user,
            "autre_jeune": other_jeune.user,
            "conseiller": conseiller.user,
            "conseiller2": conseiller_other_structure.user,
            "resp": manager.user,
            "resp2": manager_other_structure.user,
            "admin": admin_user,
        },
        jeune=jeune,
        structure=structure,
    )
    draft = DeclarationFactory(beneficiary=jeune, recorded_at=timezone.now() - timedelta(days=2))
    world.declarations["draft"] = draft
    world.steps["draft"] = StepFactory(declaration=draft)
    sent = _submitted(jeune, transcript=HEALTH_TRANSCRIPT)
    world.declarations["sent"] = sent
    world.steps["sent"] = StepFactory(declaration=sent, organization="Decathlon")
    world.steps["health"] = StepFactory(
        declaration=sent,
        position=1,
        category=Category.SANTE,
        kind=Kind.RENDEZ_VOUS_MEDICAL,
        hours=Decimal(2),
        evidence=HEALTH_EVIDENCE,
        organization="CMP Lyon 3",
    )
    world.declarations["empty"] = _submitted(jeune, transcript="J'étais malade toute la semaine.")
    grenoble = _submitted(jeune_other_structure, transcript="Mardi j'ai refait mon CV.")
    world.declarations["grenoble"] = grenoble
    world.steps["grenoble"] = StepFactory(declaration=grenoble, kind=Kind.CV)
    return world


def api_client(user: AbstractBaseUser | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def _refresh_token(user: AbstractBaseUser | None) -> str:
    return str(RefreshToken.for_user(user)) if user is not None else "not-a-token"


def _login(client: APIClient, world: World, persona: str) -> Any:
    user = world.users[persona]
    if user is None:
        body = {"username": "personne", "password": "mauvais-mot-de-passe"}
    else:
        body = {"username": user.get_username(), "password": DEMO_PASSWORD}
    return APIClient().post("/api/v1/auth/token/", body, format="json")


def _upload(client: APIClient, world: World, persona: str) -> Any:
    audio = SimpleUploadedFile("note.m4a", b"\x00\x00\x00\x18ftypM4A ", content_type="audio/mp4")
    body = {"client_id": str(uuid.uuid4()), "recorded_at": "2026-01-07T18:30:00+01:00", "audio": audio}
    return client.post("/api/v1/declarations/", body, format="multipart")


def _review(step_target: str) -> Callable[[APIClient, World, str], Any]:
    def call(client: APIClient, world: World, persona: str) -> Any:
        body = {"decision": "validated", "comment": "Très bien"}
        return client.post(f"/api/v1/steps/{world.step_id(step_target)}/review/", body, format="json")

    return call


API_CALLS: dict[tuple[str, str], Callable[[APIClient, World, str], Any]] = {
    ("GET /api/v1/schema/", "-"): lambda c, w, p: c.get("/api/v1/schema/"),
    ("GET /api/v1/docs/", "-"): lambda c, w, p: c.get("/api/v1/docs/"),
    ("POST /api/v1/auth/token/", "self"): _login,
    ("POST /api/v1/auth/token/refresh/", "self"): lambda c, w, p: APIClient().post(
        "/api/v1/auth/token/refresh/", {"refresh": _refresh_token(w.users[p])}, format="json"
    ),
    ("POST /api/v1/auth/logout/", "self"): lambda c, w, p: APIClient().post(
        "/api/v1/auth/logout/", {"refresh": _refresh_token(w.users[p])}, format="json"
    ),
    ("GET /api/v1/me/", "-"): lambda c, w, p: c.get("/api/v1/me/"),
    ("GET /api/v1/me/export/", "-"): lambda c, w, p: c.get("/api/v1/me/export/"),
    ("GET /api/v1/referentials/", "-"): lambda c, w, p: c.get("/api/v1/referentials/"),
    ("GET /api/v1/notifications/", "-"): lambda c, w, p: c.get("/api/v1/notifications/"),
    **{
        ("POST /api/v1/declarations/{id}/acknowledge/", target): (
            lambda t: lambda c, w, p: c.post(f"/api/v1/declarations/{w.declaration_id(t)}/acknowledge/")
        )(target)
        for target in ("empty", "sent", "draft", "grenoble")
    },
    ("GET /api/v1/declarations/", "-"): lambda c, w, p: c.get("/api/v1/declarations/"),
    ("POST /api/v1/declarations/", "-"): _upload,
    **{
        ("GET /api/v1/declarations/{id}/", target): (
            lambda t: lambda c, w, p: c.get(f"/api/v1/declarations/{w.declaration_id(t)}/")
        )(target)
        for target in ("draft", "sent", "grenoble", "missing")
    },
    **{
        ("POST /api/v1/declarations/{id}/confirm/", target): (
            lambda t: lambda c, w, p: c.post(f"/api/v1/declarations/{w.declaration_id(t)}/confirm/")
        )(target)
        for target in ("draft", "sent", "grenoble")
    },
    **{
        ("POST /api/v1/declarations/{id}/steps/", target): (
            lambda t: lambda c, w, p: c.post(
                f"/api/v1/declarations/{w.declaration_id(t)}/steps/",
                {"category": "EMPLOI", "kind": "cv", "organization": "Pôle CV"},
                format="json",
            )
        )(target)
        for target in ("draft", "sent")
    },
    **{
        ("PATCH /api/v1/steps/{id}/", target): (
            lambda t: lambda c, w, p: c.patch(f"/api/v1/steps/{w.step_id(t)}/", {"count": 2}, format="json")
        )(target)
        for target in ("draft", "sent", "missing")
    },
    **{
        ("DELETE /api/v1/steps/{id}/", target): (
            lambda t: lambda c, w, p: c.delete(f"/api/v1/steps/{w.step_id(t)}/")
        )(target)
        for target in ("draft", "sent")
    },
    **{
        ("POST /api/v1/steps/{id}/review/", target): _review(target)
        for target in ("draft", "sent", "health", "grenoble")
    },
    **{
        ("POST /api/v1/steps/{id}/reply/", target): (
            lambda t: lambda c, w, p: c.post(f"/api/v1/steps/{w.step_id(t)}/reply/", {"comment": "Voici"}, format="json")
        )(target)
        for target in ("draft", "sent")
    },
    ("GET /api/v1/beneficiaries/{id}/weeks/", "jeune"): lambda c, w, p: c.get(
        f"/api/v1/beneficiaries/{w.jeune.pk}/weeks/", {"from": "2026-01-05", "to": "2026-02-01"}
    ),
    ("GET /api/v1/beneficiaries/{id}/weeks/", "missing"): lambda c, w, p: c.get(
        "/api/v1/beneficiaries/987654/weeks/", {"from": "2026-01-05", "to": "2026-02-01"}
    ),
    ("GET /api/v1/reports/overview/", "-"): lambda c, w, p: c.get("/api/v1/reports/overview/"),
    ("GET /api/v1/reports/overview/?structure=", "lyon"): lambda c, w, p: c.get(
        "/api/v1/reports/overview/", {"structure": w.structure.pk}
    ),
    ("GET /api/v1/reports/overview/?format=csv", "-"): lambda c, w, p: c.get(
        "/api/v1/reports/overview/", {"format": "csv"}
    ),
}


def snapshot() -> tuple[Any, ...]:
    """Everything an operation could change: a refused one must leave all of it as it was."""
    return (
        sorted(Declaration.objects.values_list("pk", "status", "submitted_at", "acknowledged_by")),
        sorted(Step.objects.values_list("pk", "category", "kind", "count", "decision", "organization", "reply")),
        Review.objects.count(),
    )


def test_the_matrix_is_complete(summary: dict[str, Any]) -> None:
    assert {(row.method + " " + row.path, row.target) for row in API_ROWS} == set(API_CALLS)
    summary["permission matrix (API)"] = (
        f"{len(API_ROWS)} operation×object rows × {len(PERSONAS)} personas = {len(API_CASES)} cases"
    )
    summary["permission matrix (web pages)"] = (
        f"{len(WEB_ROWS)} page×object rows × {len(PERSONAS)} personas = {len(WEB_CASES)} cases"
    )
    print(summary["permission matrix (API)"])
    print(summary["permission matrix (web pages)"])


@pytest.mark.parametrize(("row", "persona"), API_CASES, ids=[f"{r.name}-{p}" for r, p in API_CASES])
def test_api(row: Row, persona: str, world: World) -> None:
    expected = row.expected[persona]
    call = API_CALLS[(f"{row.method} {row.path}", row.target)]
    before = snapshot()

    response = call(api_client(world.users[persona]), world, persona)

    assert response.status_code == expected, (row.name, persona, response.content[:300])
    if expected >= 400:
        assert snapshot() == before, "a refused request changed data"
        if response["Content-Type"].startswith("application/json"):
            body = response.json()
            assert set(body) <= {"code", "message", "details"}
            assert body["code"] in ERROR_CODES[expected], body
            assert body["message"]
    if expected == 404:
        # Out of reach looks exactly like never existed: nothing tells the object is there.
        assert response.json() == {"code": "not_found", "message": "Ressource introuvable."}
    if row.path == "/api/v1/declarations/" and row.method == "GET" and expected == 200:
        ids = {item["id"] for item in response.json()["results"]}
        assert ids == {world.declaration_id(name) for name in LISTED[persona]}
    if expected < 400 and persona in ("resp", "resp2", "admin"):
        body = response.content.decode()
        assert HEALTH_EVIDENCE not in body and "CMP Lyon 3" not in body


def test_managers_get_health_steps_as_counts_only(world: World) -> None:
    """Reports (API JSON and CSV, report page and its CSV) count the SANTE step, never show it."""
    user = world.users["resp"]
    assert user is not None
    api = api_client(user)
    web = Client()
    web.force_login(user)
    bodies = {
        "api json": api.get("/api/v1/reports/overview/"),
        "api csv": api.get("/api/v1/reports/overview/", {"format": "csv"}),
        "page": web.get("/responsable/"),
        "page csv": web.get("/responsable/export.csv"),
    }
    for name, response in bodies.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        for secret in (HEALTH_EVIDENCE, "centre médico", "CMP Lyon 3", "Decathlon", "RIFF", "/media/"):
            assert secret not in text, (name, secret)
    overview = bodies["api json"].json()
    flat = json.dumps(overview)
    assert "evidence" not in flat and "transcript" not in flat
    health = [row for row in overview["steps_by_category"] if row["category"] == Category.SANTE]
    assert health and health[0]["pending"] == 1, overview["steps_by_category"]


def web_client(user: AbstractBaseUser | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def web_url(row: Row, world: World) -> tuple[str, dict[str, Any]]:
    path = row.path
    params: dict[str, Any] = {}
    if "?structure=" in path:
        path = path.split("?")[0]
        params["structure"] = world.structure.pk
    if "{id}" in path:
        target_id = world.jeune.pk if row.target == "jeune" else world.declaration_id(row.target)
        path = path.replace("{id}", str(target_id))
    if "{step}" in path:
        path = path.replace("{step}", str(world.step_id(row.target)))
    return path, params


def review_form(step: Step) -> dict[str, str]:
    fields = {"category": "EMPLOI", "kind": "candidature", "hours": "3", "decision": "validated"}
    return {f"step-{step.pk}-{name}": value for name, value in fields.items()}


@pytest.mark.parametrize(("row", "persona"), WEB_CASES, ids=[f"{r.name}-{p}" for r, p in WEB_CASES])
def test_web_page(row: Row, persona: str, world: World) -> None:
    expected = row.expected[persona]
    client = web_client(world.users[persona])
    url, params = web_url(row, world)
    before = snapshot()

    if row.method == "POST":
        response = client.post(url, review_form(world.steps[row.target]) if row.target in world.steps else {})
    else:
        response = client.get(url, params)

    assert response.status_code == expected, (row.name, persona)
    if expected == 302:
        location = response["Location"]
        assert location.startswith("/accounts/login/") == (persona == "anon"), location
    if expected >= 400 or persona == "anon":
        assert snapshot() == before, "a refused request changed data"
    if expected == 200 and persona in ("resp", "resp2", "admin"):
        text = b"".join(response) if response.streaming else response.content
        assert HEALTH_EVIDENCE.encode() not in text
