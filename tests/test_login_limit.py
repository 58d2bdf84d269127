"""Logging in is limited per account and per address, on Omstil's page and in Django's admin."""

import pytest
from django.conf import settings as project_settings
from django.urls import reverse

from omstil.accounts.services import set_up_user
from tests.conftest import PASSWORD

PRODUCTION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_PAGES = {"Omstil's login": "accounts:login", "the admin's login": "admin:login"}


@pytest.fixture(autouse=True)
def limited(settings):
    settings.AUTHENTICATION_BACKENDS = PRODUCTION_BACKENDS
    settings.AXES_FAILURE_LIMIT = 3


def attempt(client, page: str, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse(page),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_settings_limit_logins_with_django_axes():
    assert project_settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert "axes.middleware.AxesMiddleware" in project_settings.MIDDLEWARE


@pytest.mark.parametrize("page", LOGIN_PAGES.values(), ids=LOGIN_PAGES.keys())
def test_an_account_is_locked_after_too_many_wrong_passwords_from_anywhere(client, db, page):
    user = set_up_user("hanne@fjordby.example", PASSWORD, system_admin=True)
    for number in range(3):
        attempt(client, page, user.email, "forkert", address=f"10.0.0.{number}")
    locked = attempt(client, page, user.email, PASSWORD, address="10.0.0.99")
    assert locked.status_code == 429
    assert "For mange forsøg på at logge ind" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("page", LOGIN_PAGES.values(), ids=LOGIN_PAGES.keys())
def test_an_address_is_locked_after_too_many_failures_with_any_accounts(client, db, page):
    user = set_up_user("hanne@fjordby.example", PASSWORD, system_admin=True)
    for number in range(3):
        attempt(client, page, f"gaet{number}@fjordby.example", "forkert")
    assert attempt(client, page, user.email, PASSWORD).status_code == 429
    # Another address may still log in with the right password.
    assert attempt(client, page, user.email, PASSWORD, address="10.0.0.2").status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(client, db):
    user = set_up_user("hanne@fjordby.example", PASSWORD)
    for _ in range(2):
        attempt(client, "accounts:login", user.email, "forkert")
    assert attempt(client, "accounts:login", user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        attempt(client, "accounts:login", user.email, "forkert")
    assert attempt(client, "accounts:login", user.email, PASSWORD).status_code == 302
