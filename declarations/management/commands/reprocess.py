"""Run the pipeline again on chosen declarations (after a fix, a model change, a lost message)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from declarations import pipeline, services
from declarations.models import Declaration


class Command(BaseCommand):
    help = "Relance le traitement de déclarations en échec ou bloquées (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--failed", action="store_true", help="every failed declaration")
        parser.add_argument("--error-code", help="only failed declarations with this error_code")
        parser.add_argument("--sync", action="store_true", help="run here instead of queueing")

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Declaration.objects.all()
        if options["ids"]:
            queryset = queryset.filter(pk__in=options["ids"])
        elif options["failed"] or options["error_code"]:
            queryset = queryset.filter(status=Declaration.Status.FAILED)
            if options["error_code"]:
                queryset = queryset.filter(error_code=options["error_code"])
        else:
            raise CommandError("Give declaration ids, --failed or --error-code.")
        queued = skipped = 0
        for declaration in queryset.order_by("pk").iterator():
            with transaction.atomic():
                locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
                reset = pipeline.reset_for_reprocessing(locked)
            if not reset:
                skipped += 1
                why = "recording deleted" if declaration.audio_purged_at else declaration.status
                self.stderr.write(f"declaration {declaration.pk}: {why}, left as it is")
                continue
            if options["sync"]:
                pipeline.process_declaration(declaration.pk)
            else:
                services.publish(declaration.pk)
            queued += 1
        self.stdout.write(f"{queued} declaration(s) reprocessed, {skipped} skipped")
