"""Hardening tests: the shared personas (tests/personas.py) plus the people the permission matrix needs on top of them.

Columns of the matrices, in order: anonymous, the young person, another young person of the same
counsellor, their counsellor (Lyon), a counsellor of another structure (Grenoble), the manager of Lyon,
the manager of Grenoble, and a superuser with no programme role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser

from declarations.models import Manager, Structure
from tests.factories import ManagerFactory, UserFactory

# Figures the hardening tests report at the end of the run (matrix size, fuzzing counts).
SUMMARY: dict[str, Any] = {}


@pytest.fixture
def manager_other_structure(other_structure: Structure) -> Manager:
    return ManagerFactory(user__username="manager2", structures=[other_structure])


@pytest.fixture
def admin_user(db: None) -> AbstractBaseUser:
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def summary() -> Iterator[dict[str, Any]]:
    yield SUMMARY


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SUMMARY:
        return
    terminalreporter.section("hardening figures")
    for key, value in SUMMARY.items():
        terminalreporter.write_line(f"{key}: {value}")
