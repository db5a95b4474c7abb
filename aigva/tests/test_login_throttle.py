"""Login throttling (issue 32): wrong passwords lock the account, and the address, for the cool-off; the page
says so; the admin's login is throttled too; a client cannot dodge it by claiming another address."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, username: str, password: str, address: str = "203.0.113.7", url: str = "", **headers):
    return client.post(url or reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused_with_a_clear_page(client, settings):
    user = UserFactory()
    for _ in range(30):
        assert log_in(client, user.username, "wrong").status_code in (200, 429)
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    page = response.content.decode()
    assert "Too many failed logins" in page and f"After {settings.AXES_FAILURE_LIMIT} wrong passwords" in page
    assert "15 minutes" in page and "axes_reset" in page


def test_the_limit_counts_failures_and_a_success_before_it_starts_afresh(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, user.username, "wrong").status_code == 200  # the form again, with its error
    assert log_in(client, user.username, PASSWORD).status_code == 302 and logged_in(client)


def test_guessing_one_account_from_many_addresses_locks_the_account(client, settings):
    user = UserFactory()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, user.username, "wrong", address=f"198.51.100.{attempt}")
    assert log_in(client, user.username, PASSWORD, address="192.0.2.99").status_code == 429
    assert not logged_in(client)


def test_guessing_many_accounts_from_one_address_locks_the_address_not_the_accounts(client, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"nobody{attempt}", "wrong", address="198.51.100.1")
    someone = UserFactory()
    assert log_in(client, someone.username, PASSWORD, address="198.51.100.1").status_code == 429
    assert log_in(client, someone.username, PASSWORD, address="192.0.2.5").status_code == 302


def test_the_admin_login_is_throttled_too(client, settings):
    admin = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, admin.username, "wrong", url=url)
    response = log_in(client, admin.username, PASSWORD, url=url)
    assert response.status_code == 429 and not logged_in(client)


def test_a_forwarded_address_is_believed_only_from_our_proxies(client, settings):
    user = UserFactory()
    for attempt in range(settings.AXES_FAILURE_LIMIT):  # a client inventing a new address every time
        log_in(client, f"nobody{attempt}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}")
    assert log_in(client, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    settings.AIGVA_TRUSTED_PROXIES = 1  # our proxy appends the address it saw: the last entry counts
    assert log_in(client, user.username, PASSWORD, address="10.0.0.250",
                  HTTP_X_FORWARDED_FOR="203.0.113.7, 192.0.2.44").status_code == 302
    client.logout()
    settings.AIGVA_TRUSTED_PROXIES = 2  # a TLS proxy, then ours: the entry the TLS proxy appended
    assert log_in(client, user.username, PASSWORD, address="10.0.0.250",
                  HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.45, 172.18.0.3").status_code == 302
    assert log_in(client, "nobody0", "wrong", address="10.0.0.250",
                  HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7, 172.18.0.3").status_code == 429  # locked above


def test_the_pause_ends_after_the_cool_off_or_when_an_admin_lifts_it(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, user.username, "wrong")
    assert log_in(client, user.username, PASSWORD).status_code == 429
    call_command("axes_reset", verbosity=0)  # what the page tells whoever runs AIGVA
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, user.username, "wrong")
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)  # as if the cool-off had passed
    assert log_in(client, user.username, PASSWORD).status_code == 302
