import os
import subprocess
import sys
import tempfile
from pathlib import Path

from aigva.tests.factories import PRODUCTION

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset} | {"AIGVA_DATA_DIR": tempfile.mkdtemp()}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_a_malformed_setting_stops_start_up_with_a_clear_message():
    result = manage("check", DEBUG="maybe", AIGVA_MAX_UPLOAD_BYTES="lots")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr and "AIGVA_MAX_UPLOAD_BYTES" in result.stderr


def test_production_without_a_secret_key_makes_one_in_the_data_dir_and_refuses_a_short_one(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"} | {"AIGVA_DATA_DIR": str(tmp_path)}
    shown = "from django.conf import settings; print(settings.SECRET_KEY)"
    first, again = manage("shell", "-c", shown, **env), manage("shell", "-c", shown, **env)
    key = (tmp_path / "secret_key").read_text().strip()
    assert first.stdout.split()[-1] == again.stdout.split()[-1] == key and len(key) >= 50  # made once, kept
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0 and "SECRET_KEY must be at least 50 random characters" in result.stderr


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_cookies_are_secure_wherever_the_site_is_served_over_https():
    shown = "from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    behind_proxy = {**PRODUCTION, "SECURE_SSL_REDIRECT": "false", "AIGVA_BEHIND_HTTPS_PROXY": "true"}
    assert manage("shell", "-c", shown, **behind_proxy).stdout.split()[-2:] == ["True", "True"]
    assert manage("shell", "-c", shown, **PRODUCTION).stdout.split()[-2:] == ["True", "True"]
    plain_http = {**PRODUCTION, "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}  # as `make run`
    assert manage("shell", "-c", shown, **plain_http).stdout.split()[-2:] == ["False", "False"]
    warned = manage("check", "--deploy", **behind_proxy).stderr
    assert "W012" not in warned and "W016" not in warned  # the proxy redirects: only W008 may remain


def test_the_favicon_is_found_by_anyone(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/favicon.svg")
