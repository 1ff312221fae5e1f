"""Delete the recordings of declarations reviewed more than N days ago (transcripts and steps stay)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from declarations import privacy


class Command(BaseCommand):
    help = "Apply the audio retention policy now (the same as the nightly celery beat task)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"days after review (default AUDIO_RETENTION_DAYS_AFTER_REVIEW = "
            f"{settings.AUDIO_RETENTION_DAYS_AFTER_REVIEW})",
        )
        parser.add_argument("--dry-run", action="store_true", help="list what would be deleted, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] is not None and options["days"] < 0:
            raise CommandError("--days must be 0 or more")
        result = privacy.purge_expired_audio(days=options["days"], dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} the audio of {result.purged} declaration(s) reviewed before {timezone.localtime(result.cutoff):%Y-%m-%d %H:%M}"
        )
        if options["verbosity"] > 1 and result.declaration_ids:
            self.stdout.write("declarations: " + ", ".join(map(str, result.declaration_ids)))
