"""Recompute the managers' report roll-up from the steps and declarations (after a bulk load, or to repair)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from declarations import rollup


class Command(BaseCommand):
    help = (
        "Recalcule l'agrégat hebdomadaire du tableau de bord des responsables à partir des démarches et des "
        "déclarations (après un chargement en masse, ou pour le réparer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = rollup.rebuild()
        rollup.vacuum()
        self.stdout.write(
            f"roll-up rebuilt in {time.monotonic() - started:.1f} s: {result.step_rows} step-week rows, "
            f"{result.declaration_rows} declaration-week rows"
        )
