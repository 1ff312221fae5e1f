from __future__ import annotations

from celery import shared_task

from declarations import pipeline


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def process_declaration(declaration_id: int) -> str | None:
    return pipeline.process_declaration(declaration_id)
