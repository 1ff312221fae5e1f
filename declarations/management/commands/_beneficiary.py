"""The `--username`/`--id` pair the privacy commands share to name one beneficiary."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from declarations.models import Beneficiary


def add_beneficiary_arguments(parser: CommandParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--username", help="the young person's login")
    who.add_argument("--id", type=int, dest="beneficiary_id", help="the beneficiary's id")


def beneficiary_from(options: dict[str, Any]) -> Beneficiary:
    queryset = Beneficiary.objects.select_related("user", "structure", "counsellor__user")
    if options.get("username"):
        found = queryset.filter(user__username=options["username"]).first()
    else:
        found = queryset.filter(pk=options["beneficiary_id"]).first()
    if found is None:
        raise CommandError("No such beneficiary.")
    return found
