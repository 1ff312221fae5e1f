"""The pages in a real browser (Debian's chromium driven by Playwright) against a live server.

A counsellor logs in, opens the oldest declaration, corrects a category and validates, rejects another
step with a comment, and sees the young person's validated hours change; the manager opens the report
and downloads the CSV; a counsellor of another structure gets a 404. Screenshots of each page are saved
under test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Review, Step
from tests.conftest import ROOT, missing_service
from tests.web.conftest import TRANSCRIPT, MakeDeclaration, wav_bytes, words_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread for the whole module; the ORM calls of
    # the tests (and the database flush after them) are safe here. Restored after the module, so the
    # flag never reaches other tests or their subprocesses.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "demo1234"

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is None:
        missing_service(f"no chromium at {CHROMIUM} (set CHROMIUM_PATH)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[object]:
    contexts = []

    def make() -> Page:
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="fr-FR", timezone_id="Europe/Paris",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shoot(page: Page, name: str, capsys: pytest.CaptureFixture[str], *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("domcontentloaded")


def test_counsellor_reviews_and_manager_reports_in_a_browser(
    live_server: object,
    new_page: object,
    capsys: pytest.CaptureFixture[str],
    media_root: Path,
    conseiller: Counsellor,
    jeune: Beneficiary,
    other_jeune: Beneficiary,
    jeune_other_structure: Beneficiary,
    manager: Manager,
    make_declaration: MakeDeclaration,
) -> None:
    from django.utils import timezone

    base_url = str(live_server.url)  # type: ignore[attr-defined]
    now = timezone.now()
    oldest = make_declaration(
        jeune,
        audio=wav_bytes(2.0),
        words=words_of(TRANSCRIPT, low=("Decathlon",)),
        submitted_at=now - timedelta(seconds=20),
        recorded_at=now - timedelta(seconds=30),
    )
    newer = make_declaration(
        other_jeune, submitted_at=now - timedelta(seconds=10), recorded_at=now - timedelta(seconds=30)
    )
    elsewhere = make_declaration(jeune_other_structure)
    first_step, second_step = oldest.steps.order_by("position")

    # The counsellor logs in and lands on the queue, oldest first.
    page = new_page()  # type: ignore[operator]
    log_in(page, base_url, "conseiller")
    assert page.url == f"{base_url}/conseiller/"
    shoot(page, "01-file-conseiller", capsys)
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "Léa Dubois" in rows.first.inner_text()

    # The young person's hours before any decision.
    page.goto(f"{base_url}/conseiller/jeunes/{jeune.pk}/")
    assert page.locator("#validated-hours").inner_text() == "0 h"

    # Opens the oldest declaration: transcript with the steps' passages, audio player, low-confidence word.
    page.goto(f"{base_url}/conseiller/")
    rows.first.get_by_role("link").click()
    page.wait_for_url(f"**/conseiller/declarations/{oldest.pk}/")
    assert page.locator("#transcript mark").count() == 2
    assert page.locator("#transcript .low").first.inner_text() == "Decathlon"
    assert page.locator("audio#player").count() == 1
    shoot(page, "02-declaration", capsys)
    # Clicking a word plays the note from that word (third word: 0.8 s).
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    page.locator("#transcript .w").nth(2).click()
    assert page.evaluate("document.getElementById('player').currentTime") >= 0.75
    page.evaluate("document.getElementById('player').pause()")
    # Clicking a step shows its passage in the transcript.
    page.locator(f"#step-{second_step.pk} .step__head").click()
    assert "is-current" in (page.locator(f"#passage-{second_step.pk}").get_attribute("class") or "")
    page.locator(f"#step-{first_step.pk} .step__head").click()
    # j selects the next step and highlights its passage.
    page.locator("body").press("j")
    assert "is-current" in (page.locator(f"#step-{second_step.pk}").get_attribute("class") or "")
    assert "is-current" in (page.locator(f"#passage-{second_step.pk}").get_attribute("class") or "")

    # Corrects the first step's category (the kind follows), then validates.
    card = page.locator(f"#step-{first_step.pk}")
    card.get_by_label("Catégorie").select_option("FORMATION")
    assert card.get_by_label("Type de démarche").input_value() == "formation"
    card.get_by_role("button", name="Valider").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Démarche validée.").is_visible()

    # Rejects the other one: first without a comment (refused in French), then with one.
    card = page.locator(f"#step-{second_step.pk}")
    card.get_by_role("button", name="Refuser").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Un commentaire est obligatoire pour refuser une démarche.").first.is_visible()
    card = page.locator(f"#step-{second_step.pk}")
    card.get_by_label("Commentaire").fill("L'entretien n'a pas eu lieu cette semaine.")
    card.get_by_role("button", name="Refuser").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Toutes les démarches de cette déclaration sont traitées.").is_visible()
    assert page.get_by_text("catégorie : Emploi → Formation").is_visible()
    shoot(page, "03-declaration-traitee", capsys, full_page=True)

    first_step.refresh_from_db()
    second_step.refresh_from_db()
    oldest.refresh_from_db()
    assert (first_step.category, first_step.decision) == ("FORMATION", Step.Decision.VALIDATED)
    assert second_step.decision == Step.Decision.REJECTED
    assert oldest.status == Declaration.Status.REVIEWED
    assert Review.objects.filter(step__declaration=oldest).count() == 2

    # The young person's validated hours changed: the corrected step counts 3 h (Formation).
    page.get_by_role("link", name="Léa Dubois").click()
    page.wait_for_url(f"**/conseiller/jeunes/{jeune.pk}/")
    assert page.locator("#validated-hours").inner_text() == "3 h"
    shoot(page, "04-jeune", capsys, full_page=True)

    # The next declaration, from the keyboard: r asks for a comment first, v validates the current step.
    page.goto(f"{base_url}/conseiller/declarations/{newer.pk}/")
    page.locator("body").press("r")
    assert page.evaluate("document.activeElement.name") == f"step-{newer.steps.order_by('position')[0].pk}-comment"
    page.locator("body").click(position={"x": 5, "y": 400})
    with page.expect_navigation():
        page.keyboard.press("v")
    assert page.get_by_text("Démarche validée.").is_visible()
    assert newer.steps.filter(decision=Step.Decision.VALIDATED).count() == 1

    # The manager opens the report and downloads the CSV.
    manager_page = new_page()  # type: ignore[operator]
    log_in(manager_page, base_url, "manager")
    assert manager_page.url == f"{base_url}/responsable/"
    assert manager_page.locator("#kpi-declarations").inner_text() == "2"
    assert "Carrefour" not in manager_page.content()
    shoot(manager_page, "05-tableau-de-bord", capsys, full_page=True)
    with manager_page.expect_download() as download_info:
        manager_page.get_by_role("link", name="Exporter en CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("rapport-cej-")
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "Déclarations reçues;2" in content
    assert "Taux de validation;66,7\u00a0%" in content
    assert "Claire Martin;Mission Locale de Lyon;2;1;1;1" in content

    # A counsellor of another structure cannot open the declaration.
    intruder = new_page()  # type: ignore[operator]
    log_in(intruder, base_url, "conseiller2")
    response = intruder.goto(f"{base_url}/conseiller/declarations/{oldest.pk}/")
    assert response is not None and response.status == 404
    assert intruder.get_by_role("heading", name="Page introuvable").is_visible()
    shoot(intruder, "06-autre-structure-404", capsys)
    response = intruder.goto(f"{base_url}/conseiller/declarations/{elsewhere.pk}/")
    assert response is not None and response.status == 200
