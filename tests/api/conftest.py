"""The API tests use the shared personas of tests/personas.py."""

from tests.personas import ApiFor, Person

__all__ = ["ApiFor", "Person"]
