"""Production settings pass Django's deployment checks; the cache follows CACHE_URL."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="cej.example.fr",
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="cej.settings",
        **extra,
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_reports_no_warning_with_production_settings(tmp_path: Path) -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_throttle_counts_live_in_a_cache_every_worker_shares(tmp_path: Path) -> None:
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    files = run(["-c", f"import django; django.setup(); {show}"], production_env(tmp_path))
    assert files.stdout.strip() == "django.core.cache.backends.filebased.FileBasedCache", files.stderr
    redis = run(
        ["-c", f"import django; django.setup(); {show}"],
        production_env(tmp_path, CACHE_URL="redis://127.0.0.1:6379/1"),
    )
    assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache", redis.stderr
