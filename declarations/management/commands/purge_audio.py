"""Delete recordings reviewed more than N days ago, or never sent and left aside (transcripts and steps stay)."""

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
        parser.add_argument(
            "--unsent-days",
            type=int,
            default=None,
            help=f"days without change for a failed or unconfirmed note (default AUDIO_RETENTION_DAYS_UNSENT = "
            f"{settings.AUDIO_RETENTION_DAYS_UNSENT})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for option in ("days", "unsent_days"):
            if options[option] is not None and options[option] < 0:
                raise CommandError(f"--{option.replace('_', '-')} must be 0 or more")
        result = privacy.purge_expired_audio(
            days=options["days"], unsent_days=options["unsent_days"], dry_run=options["dry_run"]
        )
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(
            f"{verb} the audio of {result.purged} declaration(s) reviewed before "
            f"{timezone.localtime(result.cutoff):%Y-%m-%d %H:%M} or unsent since "
            f"{timezone.localtime(result.unsent_cutoff):%Y-%m-%d %H:%M}"
        )
        if options["verbosity"] > 1 and result.declaration_ids:
            self.stdout.write("declarations: " + ", ".join(map(str, result.declaration_ids)))
