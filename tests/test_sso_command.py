"""`omstil org sso --org SLUG --issuer URL --client-id ID --client-secret SECRET [--claim]
[--json]`: the organisation's own login from the command line."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from omstil.core.models import AuditEntry
from omstil.organisations.models import SingleSignOn
from omstil.organisations.sso import client_secret
from tests.postgres import free_port


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        call_command("org", "sso", *args)
        code = 0
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def arguments(slug: str, issuer: str, *more: str) -> list[str]:
    return [
        "--org",
        slug,
        "--issuer",
        issuer,
        "--client-id",
        "omstil",
        "--client-secret",
        "s3cret-from-the-provider",
        *more,
    ]


def test_org_sso_turns_the_login_on_and_prints_the_redirect_uri(
    db, capsys, settings, organisation, oidc_provider
):
    settings.BASE_URL = "https://omstil.fjordby.example"
    code, out, _err = run(capsys, *arguments(organisation.slug, oidc_provider.issuer), "--json")
    assert code == 0
    assert json.loads(out) == {
        "redirect_uri": "https://omstil.fjordby.example/konto/log-ind/tilbage/"
    }
    sso = SingleSignOn.objects.get(organisation=organisation)
    assert (sso.issuer, sso.client_id, sso.claim) == (oidc_provider.issuer, "omstil", "email")
    assert sso.authorization_endpoint == f"{oidc_provider.issuer}/authorize"
    assert sso.userinfo_endpoint == f"{oidc_provider.issuer}/userinfo"
    assert sso.signing_algorithm == "RS256"
    assert client_secret(sso) == "s3cret-from-the-provider"
    assert "s3cret" not in sso.client_secret_encrypted
    entry = AuditEntry.objects.get(event="organisation.sso_set")
    assert (entry.actor_id, entry.actor_label, entry.organisation) == (
        None,
        "system",
        "aarhus-test",
    )
    assert "s3cret" not in json.dumps(entry.fields)

    # Again, with the other claim and without --json: a change, in words.
    code, out, _err = run(
        capsys, *arguments(organisation.slug, oidc_provider.issuer, "--claim", "employee_id")
    )
    assert code == 0
    assert "Organisationens eget login er slået til for Testkommune." in out
    assert "https://omstil.fjordby.example/konto/log-ind/tilbage/" in out
    assert SingleSignOn.objects.get().claim == "employee_id"
    assert AuditEntry.objects.filter(event="organisation.sso_set").count() == 2


@pytest.mark.parametrize(
    ("issuer", "message"),
    [
        (
            "login.fjordby.example",
            "Udstederens adresse skal være en fuld https-adresse uden ? og #, fx "
            "https://login.fjordby.dk – ikke “login.fjordby.example”.",
        ),
        (
            "http://login.fjordby.example",
            "Udstederens adresse skal være en fuld https-adresse uden ? og #, fx "
            "https://login.fjordby.dk – ikke “http://login.fjordby.example”.",
        ),
        (
            "https://login.fjordby.example/?tenant=1",
            "Udstederens adresse skal være en fuld https-adresse uden ? og #, fx "
            "https://login.fjordby.dk – ikke “https://login.fjordby.example/?tenant=1”.",
        ),
        (
            "https://login.fjordby.example:port",
            "Udstederens adresse skal være en fuld https-adresse uden ? og #, fx "
            "https://login.fjordby.dk – ikke “https://login.fjordby.example:port”.",
        ),
    ],
)
def test_org_sso_refuses_a_bad_url_and_writes_nothing(db, capsys, organisation, issuer, message):
    code, out, _err = run(capsys, *arguments(organisation.slug, issuer), "--json")
    assert (code, json.loads(out)) == (1, {"ok": False, "error": message})
    code, out, err = run(capsys, *arguments(organisation.slug, issuer))
    assert (code, out, err.strip()) == (1, "", message)
    assert not SingleSignOn.objects.exists()
    assert not AuditEntry.objects.exists()


def test_org_sso_refuses_an_issuer_that_does_not_answer(db, capsys, organisation):
    issuer = f"http://127.0.0.1:{free_port()}/openid"
    code, out, _err = run(capsys, *arguments(organisation.slug, issuer), "--json")
    assert code == 1
    assert json.loads(out) == {
        "ok": False,
        "error": f"Udbyderens oplysninger kunne ikke hentes fra "
        f"{issuer}/.well-known/openid-configuration: der var ingen forbindelse",
    }
    assert not SingleSignOn.objects.exists()


def test_org_sso_refuses_a_provider_that_names_another_issuer(
    db, capsys, organisation, oidc_provider
):
    # The provider's discovery document is found, but it calls itself something else.
    issuer = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    code, out, _err = run(capsys, *arguments(organisation.slug, issuer), "--json")
    assert code == 1
    assert json.loads(out)["error"] == (
        f"Udbyderen kalder sig “{oidc_provider.issuer}”, ikke “{issuer}”. "
        "Brug udbyderens egen adresse."
    )
    assert not SingleSignOn.objects.exists()


def test_org_sso_a_failed_change_keeps_what_was_there(db, capsys, organisation, oidc_provider):
    assert run(capsys, *arguments(organisation.slug, oidc_provider.issuer))[0] == 0
    before = SingleSignOn.objects.values().get()
    assert run(capsys, *arguments(organisation.slug, "ftp://x.example"))[0] == 1
    assert SingleSignOn.objects.values().get() == before
    assert AuditEntry.objects.count() == 1


def test_org_sso_refuses_an_unknown_organisation(db, capsys, oidc_provider):
    code, out, _err = run(capsys, *arguments("findes-ikke", oidc_provider.issuer), "--json")
    assert (code, json.loads(out)) == (
        1,
        {"ok": False, "error": "Organisationen “findes-ikke” findes ikke."},
    )
    assert not SingleSignOn.objects.exists()


def test_org_sso_speaks_english_when_asked(db, capsys, organisation):
    with translation.override("en"):
        code, _out, err = run(capsys, *arguments("findes-ikke", "https://x.example"))
        expected = translation.gettext("Organisationen “%(slug)s” findes ikke.") % {
            "slug": "findes-ikke"
        }
    assert (code, err.strip()) == (1, expected)


@pytest.mark.parametrize(
    "args",
    [
        ["--org", "x", "--issuer", "https://x.example", "--client-id", "c"],  # no secret
        ["--org", "x", "--issuer", "https://x.example", "--client-id", "c", "--client-secret", "s",
         "--claim", "name"],
    ],
)  # fmt: skip
def test_org_sso_without_what_it_needs_is_wrong_usage(db, args):
    with pytest.raises(CommandError):
        call_command("org", "sso", *args, stderr=io.StringIO())
