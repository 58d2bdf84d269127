"""Shared fixtures: the database under test (SQLite or private PostgreSQL), personas, library."""

import os
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.conf import settings
from django.db import connections

from omstil.accounts.models import User
from omstil.accounts.services import set_up_user
from omstil.organisations.models import Organisation
from omstil.organisations.services import add_admin
from tests.postgres import free_port, private_server

PASSWORD = "correct-horse-battery-staple"
pytest_plugins = ["tests.ci_plugin", "tests.report_fixtures", "tests.oidc"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("OMSTIL_TEST_DB", "sqlite"),
        help="Database to run the suite against; postgresql starts a private server.",
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Point Django at a private PostgreSQL server when the suite runs with --db=postgresql."""
    if request.config.getoption("--db") != "postgresql":
        yield
        return
    with private_server() as server:
        db = settings.DATABASES["default"]
        db.update(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "omstil",
                "USER": server.user,
                "PASSWORD": "",
                "HOST": server.host,
                "PORT": str(server.port),
                "OPTIONS": {},
            }
        )
        # A fixture set up earlier (live_server) may have made a SQLite connection already.
        connections.close_all()
        for alias in list(connections):
            del connections[alias]
        yield


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(slug="aarhus-test", name="Testkommune")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return Organisation.objects.create(slug="anden", name="Anden Kommune")


@pytest.fixture
def system_admin(db: None) -> User:
    return set_up_user("system@omstil.example", PASSWORD, name="Sys Admin", system_admin=True)


@pytest.fixture
def hr(db: None) -> Callable[[Organisation], User]:
    """HR for an organisation: `hr(organisation)` is its administrator, Hanne HR, made once."""

    def administrator_of(organisation: Organisation) -> User:
        user = set_up_user(f"hr@{organisation.slug}.example", PASSWORD, name="Hanne HR")
        add_admin(organisation, user, actor=None)
        return user

    return administrator_of


@pytest.fixture
def org_admin(organisation: Organisation, hr: Callable[[Organisation], User]) -> User:
    return hr(organisation)


@pytest.fixture
def outsider(db: None) -> User:
    return set_up_user("ude@test.example", PASSWORD, name="Uffe Udenfor")


@pytest.fixture
def library(db: None) -> None:
    """The shipped instrument library, loaded as `omstil instruments sync` loads it."""
    from omstil.instruments.services import sync_library

    sync_library()


class SMTPCollector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPCollector]:
    """A real SMTP server on loopback; Omstil's default mailer is pointed at it."""
    collector = SMTPCollector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
            }
        }
        yield collector
    finally:
        controller.stop()
