"""Counsellor pages: queue, declaration review, audio, beneficiary hours. Scoped to the portfolio."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from declarations.models import Beneficiary, Counsellor, Declaration, Review, Step
from tests.web.conftest import TRANSCRIPT, MakeDeclaration, wav_bytes, words_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_conseiller(client: Client, conseiller: Counsellor) -> Client:
    client.force_login(conseiller.user)
    return client


def step_form(step: Step, decision: str, **changes: str) -> dict[str, str]:
    data = {
        "category": step.category,
        "kind": step.kind,
        "date": "",
        "hours": str(step.hours).replace(".", ","),
        "organization": step.organization,
        "job_title": step.job_title,
        "comment": "",
        "decision": decision,
    }
    data.update(changes)
    return {f"step-{step.pk}-{key}": value for key, value in data.items()}


def test_it_redirects_a_counsellor_from_the_root_to_the_queue(client_conseiller: Client) -> None:
    response = client_conseiller.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:queue")


def test_it_tells_a_young_person_to_use_the_app(client: Client, jeune: Beneficiary) -> None:
    client.force_login(jeune.user)
    response = client.get("/")
    assert response.status_code == 200
    assert "application mobile" in response.content.decode()


def test_queue_lists_the_portfolio_oldest_first(
    client_conseiller: Client,
    jeune: Beneficiary,
    other_jeune: Beneficiary,
    colleague_jeune: Beneficiary,
    jeune_other_structure: Beneficiary,
    make_declaration: MakeDeclaration,
) -> None:
    now = timezone.now()
    newer = make_declaration(jeune, submitted_at=now - timedelta(hours=1))
    older = make_declaration(other_jeune, submitted_at=now - timedelta(days=2))
    make_declaration(jeune, status=Declaration.Status.REVIEWED, submitted_at=now - timedelta(days=3))
    make_declaration(jeune, status=Declaration.Status.TO_CONFIRM)
    colleagues = make_declaration(colleague_jeune)
    elsewhere = make_declaration(jeune_other_structure)

    response = client_conseiller.get(reverse("web:queue"))

    assert response.status_code == 200
    listed = [row["id"] for row in response.context["rows"]]
    assert listed == [older.pk, newer.pk]
    assert colleagues.pk not in listed and elsewhere.pk not in listed
    assert response.context["count_submitted"] == 2
    assert response.context["count_reviewed"] == 1
    assert "Yanis Moreau" in response.content.decode()


def test_queue_filters_by_beneficiary_week_status_and_category(
    client_conseiller: Client, jeune: Beneficiary, other_jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    health = make_declaration(jeune, steps=[("SANTE", "rendez_vous_medical", "")])
    make_declaration(other_jeune)
    reviewed = make_declaration(jeune, status=Declaration.Status.REVIEWED)

    def listed(**params: str) -> list[int]:
        response = client_conseiller.get(reverse("web:queue"), params)
        assert response.status_code == 200
        return [row["id"] for row in response.context["rows"]]

    assert listed(beneficiary=str(jeune.pk)) == [health.pk]
    assert listed(category="SANTE") == [health.pk]
    assert listed(status="reviewed") == [reviewed.pk]
    assert len(listed(status="all")) == 3
    year, week, _ = timezone.localdate(health.recorded_at).isocalendar()
    assert len(listed(week=f"{year}-W{week:02d}")) == 2
    assert listed(week=f"{year - 1}-W{week:02d}") == []


def test_queue_paginates(
    client_conseiller: Client, jeune: Beneficiary, other_jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    now = timezone.now()
    # Two young people's notes interleaved by sending time: pages follow that order across both.
    sent = [
        make_declaration(
            (jeune, other_jeune)[index % 2],
            submitted_at=now - timedelta(minutes=30 - index),
            steps=[("EMPLOI", "cv", "")] * (1 + index % 3),
        )
        for index in range(27)
    ]
    pages = [client_conseiller.get(reverse("web:queue"), {"page": page}) for page in ("1", "2")]
    assert [response.status_code for response in pages] == [200, 200]
    first, second = ([row["id"] for row in response.context["rows"]] for response in pages)
    assert first + second == [declaration.pk for declaration in sent]
    assert len(second) == 2
    assert [row["steps"] for row in pages[1].context["rows"]] == [str(1 + 25 % 3), str(1 + 26 % 3)]
    assert "Page 2 sur 2" in pages[1].content.decode()


def test_declaration_page_shows_transcript_evidence_and_low_confidence_words(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration, media_root: Path
) -> None:
    declaration = make_declaration(jeune, audio=wav_bytes(), words=words_of(TRANSCRIPT, low=("Decathlon",)))
    steps = list(declaration.steps.all())

    response = client_conseiller.get(reverse("web:declaration", args=[declaration.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="passage-{steps[0].pk}"' in html
    assert f'id="passage-{steps[1].pk}"' in html
    assert 'class="w low" data-start="7.60"' in html  # "Decathlon", the 20th word
    assert reverse("web:declaration-audio", args=[declaration.pk]) in html
    assert "Valider d'un coup les démarches restantes" in html


def test_a_counsellor_cannot_open_a_declaration_outside_their_portfolio(
    client_conseiller: Client,
    colleague_jeune: Beneficiary,
    jeune_other_structure: Beneficiary,
    make_declaration: MakeDeclaration,
) -> None:
    for beneficiary in (colleague_jeune, jeune_other_structure):
        declaration = make_declaration(beneficiary)
        step = declaration.steps.first()
        assert step is not None
        assert client_conseiller.get(reverse("web:declaration", args=[declaration.pk])).status_code == 404
        assert (
            client_conseiller.get(reverse("web:declaration-audio", args=[declaration.pk])).status_code == 404
        )
        response = client_conseiller.post(
            reverse("web:review-step", args=[declaration.pk, step.pk]), step_form(step, "validated")
        )
        assert response.status_code == 404
        assert (
            client_conseiller.post(reverse("web:validate-remaining", args=[declaration.pk])).status_code
            == 404
        )
        assert client_conseiller.get(reverse("web:beneficiary", args=[beneficiary.pk])).status_code == 404
        assert not Review.objects.exists()


def test_a_step_of_another_declaration_is_not_found(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    first, second = make_declaration(jeune), make_declaration(jeune)
    step = second.steps.first()
    assert step is not None
    response = client_conseiller.post(
        reverse("web:review-step", args=[first.pk, step.pk]), step_form(step, "validated")
    )
    assert response.status_code == 404


def test_validating_with_a_corrected_category_records_the_change(
    client_conseiller: Client, conseiller: Counsellor, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    step = declaration.steps.first()
    assert step is not None

    response = client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, step.pk]),
        step_form(step, "validated", category="FORMATION", kind="formation", organization="Carrefour Market"),
    )

    assert response.status_code == 302
    second = declaration.steps.order_by("position")[1]
    assert response["Location"].endswith(f"#step-{second.pk}")
    step.refresh_from_db()
    assert step.decision == Step.Decision.VALIDATED
    assert (step.category, step.kind) == ("FORMATION", "formation")
    assert step.hours == Decimal(3)
    review = Review.objects.get(step=step)
    assert review.reviewer == conseiller.user
    assert review.changes["category"] == ["EMPLOI", "FORMATION"]
    assert review.changes["organization"] == ["", "Carrefour Market"]

    page = client_conseiller.get(reverse("web:declaration", args=[declaration.pk])).content.decode()
    assert "catégorie : Emploi → Formation" in page
    assert "Claire Martin" in page


def test_a_kind_left_from_the_previous_category_is_shown_as_an_error_and_nothing_is_saved(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    step = declaration.steps.first()
    assert step is not None
    before = (step.category, step.kind, step.decision)

    response = client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, step.pk]),
        step_form(step, "validated", category="FORMATION", kind=step.kind),
    )

    assert response.status_code == 400
    assert "n&#x27;appartient pas à la catégorie choisie" in response.content.decode()
    step.refresh_from_db()
    assert (step.category, step.kind, step.decision) == before
    assert not Review.objects.filter(step=step).exists()


def test_rejecting_without_a_comment_is_refused_in_french(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    step = declaration.steps.first()
    assert step is not None

    response = client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, step.pk]), step_form(step, "rejected")
    )

    assert response.status_code == 400
    assert "Un commentaire est obligatoire pour refuser une démarche." in response.content.decode()
    step.refresh_from_db()
    assert step.decision == Step.Decision.PENDING
    assert not Review.objects.exists()


def test_invalid_hours_are_reported_next_to_the_field(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    step = declaration.steps.first()
    assert step is not None
    response = client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, step.pk]), step_form(step, "validated", hours="-2")
    )
    assert response.status_code == 400
    assert "supérieure ou égale à 0" in response.content.decode()
    step.refresh_from_db()
    assert step.decision == Step.Decision.PENDING


def test_rejecting_with_a_comment_then_validating_the_rest_reviews_the_declaration(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    first, second = declaration.steps.order_by("position")

    response = client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, first.pk]),
        step_form(first, "rejected", comment="Pas de preuve de candidature."),
    )
    assert response.status_code == 302
    response = client_conseiller.post(reverse("web:validate-remaining", args=[declaration.pk]))
    assert response.status_code == 302

    first.refresh_from_db()
    second.refresh_from_db()
    declaration.refresh_from_db()
    assert first.decision == Step.Decision.REJECTED
    assert first.reviews.get().comment == "Pas de preuve de candidature."
    assert second.decision == Step.Decision.VALIDATED
    assert declaration.status == Declaration.Status.REVIEWED

    page = client_conseiller.get(reverse("web:declaration", args=[declaration.pk])).content.decode()
    assert "« Pas de preuve de candidature. »" in page
    assert "Valider d'un coup les démarches restantes" not in page


def test_a_reviewed_declaration_cannot_be_decided_again(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune, status=Declaration.Status.REVIEWED)
    step = declaration.steps.first()
    assert step is not None
    response = client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, step.pk]), step_form(step, "validated")
    )
    assert response.status_code == 302
    page = client_conseiller.get(response["Location"]).content.decode()
    assert "n&#x27;est pas en attente de validation" in page
    assert not Review.objects.exists()


def test_audio_streams_from_storage_with_byte_ranges(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration, media_root: Path
) -> None:
    audio = wav_bytes()
    declaration = make_declaration(jeune, audio=audio)
    url = reverse("web:declaration-audio", args=[declaration.pk])

    whole = client_conseiller.get(url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "audio/wav"
    assert b"".join(whole.streaming_content) == audio  # type: ignore[attr-defined]
    assert "no-store" in whole["Cache-Control"]

    part = client_conseiller.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(audio)}"
    assert b"".join(part.streaming_content) == audio[100:200]  # type: ignore[attr-defined]

    assert client_conseiller.get(url, HTTP_RANGE=f"bytes={len(audio) + 10}-").status_code == 416


def test_typed_declarations_have_no_audio(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    assert client_conseiller.get(reverse("web:declaration-audio", args=[declaration.pk])).status_code == 404


def test_beneficiary_page_shows_declared_and_validated_hours_of_the_week(
    client_conseiller: Client, conseiller: Counsellor, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    first = declaration.steps.order_by("position").first()
    assert first is not None
    client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, first.pk]), step_form(first, "validated")
    )

    response = client_conseiller.get(reverse("web:beneficiary", args=[jeune.pk]))

    assert response.status_code == 200
    assert response.context["current"].declared_hours == Decimal(6)
    assert response.context["current"].validated_hours == Decimal(3)
    html = response.content.decode()
    assert '<strong id="validated-hours">3 h</strong>' in html
    assert len(response.context["weeks"]) == 8
    assert "<svg" in html


def test_a_purged_audio_is_explained_and_the_transcript_stays(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune, words=words_of(TRANSCRIPT))
    declaration.audio_purged_at = timezone.now()
    declaration.save(update_fields=["audio_purged_at"])

    response = client_conseiller.get(reverse("web:declaration", args=[declaration.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "La note vocale a été supprimée le" in html
    assert "<audio" not in html
    assert "Decathlon" in html


def test_queue_explains_a_malformed_week(client_conseiller: Client) -> None:
    response = client_conseiller.get(reverse("web:queue"), {"week": "semaine 3"})
    assert response.status_code == 200
    assert "Indiquez une semaine au format AAAA-Wss." in response.content.decode()


def test_a_note_that_declares_nothing_is_read_and_marked_so_by_its_counsellor(
    client_conseiller: Client, conseiller: Counsellor, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune, transcript="J'étais malade toute la semaine, rien fait.", steps=())

    page = client_conseiller.get(reverse("web:declaration", args=[declaration.pk])).content.decode()
    assert "Aucune démarche déclarée dans cette note." in page
    assert "malade toute la semaine, rien fait." in page
    queue = client_conseiller.get(reverse("web:queue")).content.decode()
    assert f"/conseiller/declarations/{declaration.pk}/" in queue

    response = client_conseiller.post(reverse("web:acknowledge", args=[declaration.pk]))

    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.REVIEWED
    assert declaration.acknowledged_by == conseiller.user and declaration.reviewed_at is not None
    again = client_conseiller.get(reverse("web:declaration", args=[declaration.pk])).content.decode()
    assert 'id="acknowledge"' not in again


def test_validate_all_leaves_planned_and_flagged_steps_to_be_decided_one_by_one(
    client_conseiller: Client, jeune: Beneficiary
) -> None:
    from tests.factories import DeclarationFactory, StepFactory

    note = DeclarationFactory(beneficiary=jeune, status=Declaration.Status.SUBMITTED)
    plain = StepFactory(declaration=note, position=0, organization="Carrefour")
    planned = StepFactory(declaration=note, position=1, status=Step.Status.PLANNED)
    flagged = StepFactory(
        declaration=note,
        position=2,
        attention=[{"code": "doubtful_word", "message": "mot incertain : jeudi ?"}],
    )
    url = reverse("web:declaration", args=[note.pk])

    page = client_conseiller.get(url).content.decode()

    # the confirmation lists what will be validated and says what will not
    assert "Valider d'un coup les démarches restantes (1)" in page
    assert "Confirmer : valider 1 démarche<" in page
    assert "· Carrefour</li>" in page
    assert "Restent à décider une par une : 1 prévue et 1 à vérifier." in page

    response = client_conseiller.post(reverse("web:validate-remaining", args=[note.pk]), follow=True)

    assert (
        "1 démarche validée. Restent à décider une par une : 1 prévue et 1 à vérifier."
        in response.content.decode()
    )
    decisions = {s.pk: s.decision for s in Step.objects.filter(declaration=note)}
    assert decisions == {plain.pk: "validated", planned.pk: "pending", flagged.pk: "pending"}
    note.refresh_from_db()
    assert note.status == Declaration.Status.SUBMITTED  # not reviewed while two steps wait
    after = client_conseiller.get(url).content.decode()
    assert "Valider d'un coup" not in after and "Restent à décider une par une" in after


def test_a_counsellor_refuses_with_a_reason_from_the_list_and_the_trail_shows_it(
    client_conseiller: Client, jeune: Beneficiary, make_declaration: MakeDeclaration
) -> None:
    declaration = make_declaration(jeune)
    first, _second = declaration.steps.order_by("position")
    url = reverse("web:declaration", args=[declaration.pk])
    page = client_conseiller.get(url).content.decode()
    assert f'id="id_step-{first.pk}-reason"' in page and "Déjà déclarée</option>" in page

    response = client_conseiller.post(
        reverse("web:review-step", args=[declaration.pk, first.pk]),
        step_form(first, "rejected", reason="already_declared"),
    )

    assert response.status_code == 302
    review = first.reviews.get()
    assert (review.decision, review.reason, review.comment) == ("rejected", "already_declared", "")
    assert "motif : déjà déclarée" in client_conseiller.get(url).content.decode()
