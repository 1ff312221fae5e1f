"""Erase a beneficiary (RGPD right to erasure): account, declarations, steps, reviews, recordings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from declarations import privacy
from declarations.management.commands._beneficiary import add_beneficiary_arguments, beneficiary_from
from declarations.services import DomainError


class Command(BaseCommand):
    help = "Erase one beneficiary's data for good, leaving an audit record without personal data."

    def add_arguments(self, parser: CommandParser) -> None:
        add_beneficiary_arguments(parser)
        parser.add_argument(
            "--requested-by",
            metavar="USERNAME",
            help="the counsellor or administrator who asked (default: recorded as the operator)",
        )
        parser.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    def handle(self, *args: Any, **options: Any) -> None:
        beneficiary = beneficiary_from(options)
        requested_by = None
        if options["requested_by"]:
            requested_by = get_user_model().objects.filter(username=options["requested_by"]).first()
            if requested_by is None:
                raise CommandError(f"No such user: {options['requested_by']}")
        if not options["yes"]:
            raise CommandError("Erasure cannot be undone: run again with --yes to confirm.")
        try:
            record = privacy.erase_beneficiary(beneficiary=beneficiary, requested_by=requested_by)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            f"erased {record.subject_ref[:12]}: {record.declarations} declaration(s), {record.steps} step(s), "
            f"{record.reviews} review(s), {record.audio_files} audio file(s); audit record {record.pk}"
        )
