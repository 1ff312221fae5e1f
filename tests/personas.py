"""Personas shared by every test folder (after healthchecks' hc/test.py), and a client with a real JWT.

Two Missions Locales: Lyon, where `conseiller` follows `jeune` and `other_jeune` while a colleague
follows someone else, and Grenoble, with its own counsellor and young person. `manager` runs Lyon only.
Registered for the whole suite by `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import AbstractBaseUser
from pytest_django import Settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from declarations.models import Beneficiary, Counsellor, Manager, Structure
from tests.factories import BeneficiaryFactory, CounsellorFactory, ManagerFactory, StructureFactory

Person = AbstractBaseUser | Beneficiary | Counsellor | Manager
ApiFor = Callable[[Person], APIClient]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Settings) -> None:
    # PBKDF2's deliberate slowness buys nothing in tests; login and token views still check real passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def structure(db: None) -> Structure:
    return StructureFactory(name="Mission Locale de Lyon")


@pytest.fixture
def other_structure(db: None) -> Structure:
    return StructureFactory(name="Mission Locale de Grenoble")


@pytest.fixture
def conseiller(structure: Structure) -> Counsellor:
    return CounsellorFactory(
        user__username="conseiller", user__first_name="Claire", user__last_name="Martin", structure=structure
    )


@pytest.fixture
def jeune(conseiller: Counsellor) -> Beneficiary:
    return BeneficiaryFactory(
        user__username="jeune1", user__first_name="Léa", user__last_name="Dubois", counsellor=conseiller
    )


@pytest.fixture
def other_jeune(conseiller: Counsellor) -> Beneficiary:
    return BeneficiaryFactory(
        user__username="jeune2", user__first_name="Yanis", user__last_name="Moreau", counsellor=conseiller
    )


@pytest.fixture
def colleague_jeune(structure: Structure) -> Beneficiary:
    colleague = CounsellorFactory(user__username="conseiller_collegue", structure=structure)
    return BeneficiaryFactory(user__username="jeune_collegue", counsellor=colleague)


@pytest.fixture
def conseiller_other_structure(other_structure: Structure) -> Counsellor:
    return CounsellorFactory(user__username="conseiller2", structure=other_structure)


@pytest.fixture
def jeune_other_structure(conseiller_other_structure: Counsellor) -> Beneficiary:
    return BeneficiaryFactory(user__username="jeune3", counsellor=conseiller_other_structure)


@pytest.fixture
def manager(structure: Structure) -> Manager:
    return ManagerFactory(
        user__username="manager", user__first_name="Sophie", user__last_name="Lambert", structures=[structure]
    )


@pytest.fixture
def conseiller_same_structure_other_portfolio(structure: Structure) -> Counsellor:
    colleague = CounsellorFactory(user__username="conseiller_collegue", structure=structure)
    BeneficiaryFactory(user__username="jeune_collegue", counsellor=colleague)
    return colleague


@pytest.fixture
def api_for() -> ApiFor:
    """A client that authenticates like the app: a real access token in the Authorization header."""

    def client_for(person: Person) -> APIClient:
        user = person if isinstance(person, AbstractBaseUser) else person.user
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client

    return client_for
