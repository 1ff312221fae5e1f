"""Nobody can sign a login: no key in the code, a random key per installation, issued refresh tokens only.

The key these tests forge with is the one earlier versions of cej/settings.py published for the
embedded mode: anyone who had read the repository could sign a token for any account with it.
"""

from __future__ import annotations

import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from declarations.models import Beneficiary, Counsellor
from declarations.privacy import erase_beneficiary
from tests.privacy.test_deploy_settings import ROOT, production_env, run
from tests.privacy.test_jwt import REFRESH_URL, refresh, tokens_for

PUBLISHED_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"


def forge(key: str, user_id: int, token_type: str) -> str:
    now = datetime.now(tz=UTC)
    claims = {
        "token_type": token_type,
        "exp": int((now + timedelta(hours=1)).timestamp()),
        "iat": int(now.timestamp()),
        "jti": uuid.uuid4().hex,
        "user_id": str(user_id),
    }
    return jwt.encode(claims, key, algorithm="HS256")


def test_a_token_signed_with_the_published_key_reads_nothing(conseiller: Counsellor, jeune: Beneficiary) -> None:
    assert settings.SECRET_KEY != PUBLISHED_KEY
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forge(PUBLISHED_KEY, conseiller.user.pk, 'access')}")

    response = client.get("/api/v1/declarations/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_refresh_token_signed_with_the_published_key_gets_no_new_pair(conseiller: Counsellor) -> None:
    status, body = refresh(forge(PUBLISHED_KEY, conseiller.user.pk, "refresh"))

    assert status == 401
    assert "access" not in body


def test_a_refresh_token_the_server_never_issued_is_refused_even_with_the_right_key(
    conseiller: Counsellor,
) -> None:
    # What a leaked key (an old backup, a copied settings file) would allow: a correct signature.
    status, body = refresh(forge(settings.SECRET_KEY, conseiller.user.pk, "refresh"))

    assert status == 401
    assert body["code"] == "authentication_failed"
    assert "access" not in body


def test_an_issued_refresh_token_still_works(jeune: Beneficiary) -> None:
    status, body = refresh(tokens_for("jeune1")["refresh"])

    assert status == 200
    assert body["access"] and body["refresh"]


def test_refreshing_the_token_of_an_erased_person_is_a_401(jeune: Beneficiary, conseiller: Counsellor) -> None:
    token = tokens_for("jeune1")["refresh"]
    erase_beneficiary(beneficiary=jeune, requested_by=conseiller.user)

    response = APIClient().post(REFRESH_URL, {"refresh": token}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_refreshing_the_token_of_a_deactivated_person_is_a_401(jeune: Beneficiary) -> None:
    token = RefreshToken.for_user(jeune.user)
    jeune.user.is_active = False
    jeune.user.save(update_fields=["is_active"])

    assert refresh(str(token))[0] == 401


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = production_env(var_dir)
    for name in ("SECRET_KEY", "DATABASE_URL"):
        env.pop(name, None)
    return env


SHOW_KEY = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"


def test_the_embedded_mode_makes_one_private_random_key_per_installation(tmp_path: Path) -> None:
    first, second = tmp_path / "install-1", tmp_path / "install-2"

    key_1 = run(["-c", SHOW_KEY], embedded_env(first))
    key_1_again = run(["-c", SHOW_KEY], embedded_env(first))
    key_2 = run(["-c", SHOW_KEY], embedded_env(second))

    assert key_1.returncode == 0, key_1.stderr
    assert key_1.stdout == key_1_again.stdout  # kept: sessions and tokens survive a restart
    assert key_1.stdout != key_2.stdout
    assert len(key_1.stdout.strip()) >= 50
    assert PUBLISHED_KEY not in key_1.stdout
    mode = stat.S_IMODE((first / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_web_and_worker_starting_together_share_one_key(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)
    processes = [
        subprocess.Popen([sys.executable, "-c", SHOW_KEY], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    keys = {p.communicate(timeout=120)[0] for p in processes}

    assert len(keys) == 1


def test_hosts_sharing_a_database_must_be_given_the_key(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/cej"

    result = run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_no_key_literal_is_left_in_the_settings() -> None:
    source = (ROOT / "cej" / "settings.py").read_text(encoding="utf-8")
    assert PUBLISHED_KEY not in source
    assert 'SECRET_KEY = "' not in source and "SECRET_KEY = '" not in source
