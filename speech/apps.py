from __future__ import annotations

from django.apps import AppConfig


class SpeechConfig(AppConfig):
    name = "speech"
    verbose_name = "Reconnaissance vocale"
    default_auto_field = "django.db.models.BigAutoField"
