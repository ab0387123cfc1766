import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7$kq!z" * 9,
    "ALLOWED_HOSTS": "csr.cilegon.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://csr.cilegon.go.id",
    "SECURE_HSTS_SECONDS": "31536000",
}


def manage(*args, env):
    test_only = (
        "DEBUG",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "SECURE_COOKIES",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={"ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", env={"SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_check_deploy_has_no_warning_with_the_documented_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp


def test_pages_have_no_inline_script_or_style(planner_client, company_a):
    html = planner_client.get(reverse("companies:detail", args=[company_a.slug])).content.decode()
    assert "<script>" not in html and "<style" not in html and 'style="' not in html
    assert "<script src=" in html


@pytest.mark.django_db
def test_login_locks_out_after_five_failures_with_a_clear_message(client, settings):
    from tests.factories import UserFactory

    UserFactory(username="budi")
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "budi", "password": "wrong"})
    assert response.status_code == 429
    assert "15" in response.content.decode()
    # Even the right password is refused during the lockout.
    response = client.post(
        reverse("login"), {"username": "budi", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_successful_login_is_recorded_with_its_address(client):
    from axes.models import AccessLog

    from tests.factories import UserFactory

    UserFactory(username="sari")
    response = client.post(
        reverse("login"),
        {"username": "sari", "password": "correct-horse-battery"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    assert AccessLog.objects.filter(username="sari", ip_address="10.1.2.3").exists()


def test_changing_the_password_signs_out_other_sessions(client_for, planner):
    other_session = client_for(planner)
    this_session = client_for(planner)
    response = this_session.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert this_session.get(reverse("home")).status_code == 200
    assert other_session.get(reverse("home")).status_code == 302


def test_a_weak_new_password_is_refused_with_a_message(planner_client):
    response = planner_client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_sessions_expire_after_a_working_day(settings):
    assert settings.SESSION_COOKIE_AGE <= 10 * 60 * 60


def test_the_deploy_check_warns_of_a_proxy_without_a_proxy_count():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "BEHIND_PROXY": "1"}
    )
    assert result.returncode != 0 and "PROXY_COUNT" in result.stderr + result.stdout
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "BEHIND_PROXY": "1", "PROXY_COUNT": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
