"""Two-factor authentication for administrators signed in locally, as docs/security.md says."""

import json
import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from omstil.accounts import twofactor
from omstil.core.models import AuditEntry
from tests.conftest import PASSWORD

SET_UP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
MANAGE = reverse("accounts:two_factor")
ORGANISATIONS = reverse("organisations:list")


@pytest.fixture(autouse=True)
def required(settings, db):
    """Two-factor is on, as in production, and no earlier attempt is counted."""
    settings.OMSTIL_TWO_FACTOR_REQUIRED = True
    cache.clear()
    yield
    cache.clear()


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for the device's key, now or a step later."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """Six digits no step in the device's tolerance accepts."""
    right = {code_for(device, steps) for steps in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in right)


def set_up_app(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed app and its recovery codes, made through the service the page uses."""
    device = twofactor.pending_device(user)
    codes = twofactor.confirm_app(user, device, code_for(device))
    device.refresh_from_db()
    return device, codes


def fresh_session(client, user):
    """A new local login by password, as the login page makes it (no second factor yet)."""
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def verified_app_session(client, user) -> TOTPDevice:
    device, _codes = set_up_app(user)
    fresh_session(client, user)
    client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert client.get(ORGANISATIONS).status_code == 200
    return device


def recovery_codes_in(response) -> list[str]:
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


def test_an_hr_administrator_is_sent_to_set_up_two_factor_before_any_page(client, org_admin):
    fresh_session(client, org_admin)
    response = client.get(ORGANISATIONS)
    assert response.status_code == 302
    assert response["Location"] == f"{SET_UP}?next=%2Forganisationer%2F"
    assert client.get("/").status_code == 302


def test_set_up_shows_the_qr_code_as_svg_and_the_key_and_a_code_from_the_app_confirms_it(
    client, org_admin
):
    fresh_session(client, org_admin)
    page = client.get(f"{SET_UP}?next={ORGANISATIONS}")
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=org_admin, confirmed=False)
    assert '<svg width="' in html
    assert "<script" not in html
    assert twofactor.secret_text(device) in html
    assert 'autocomplete="one-time-code"' in html

    reloaded = client.get(SET_UP)  # the same key, so a reload does not undo a scan
    assert TOTPDevice.objects.filter(user=org_admin).count() == 1
    assert twofactor.secret_text(device) in reloaded.content.decode()

    refused = client.post(SET_UP, {"code": wrong_code_for(device), "next": ORGANISATIONS})
    assert refused.status_code == 400
    assert "Koden passer ikke" in refused.content.decode()
    assert client.get(ORGANISATIONS).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()  # one wrong code makes the next wait a second
    confirmed = client.post(SET_UP, {"code": code_for(device), "next": ORGANISATIONS})
    assert confirmed.status_code == 200
    codes = recovery_codes_in(confirmed)
    assert len(codes) == len(set(codes)) == 10
    assert "Koderne vises kun denne ene gang" in confirmed.content.decode()
    assert f'href="{ORGANISATIONS}"' in confirmed.content.decode()
    assert confirmed["Cache-Control"].startswith("max-age=0")
    assert TOTPDevice.objects.get(user=org_admin).confirmed
    assert client.get(ORGANISATIONS).status_code == 200
    # The codes were shown that once; the management page tells only how many are left.
    manage = client.get(MANAGE).content.decode()
    assert not any(code in manage for code in codes)
    assert "10 ubrugte gendannelseskoder" in manage


def test_a_new_session_must_give_a_code_from_the_app(client, org_admin):
    device, _codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    response = client.get(ORGANISATIONS)
    assert response["Location"] == f"{VERIFY}?next=%2Forganisationer%2F"
    assert client.get(SET_UP)["Location"].startswith(VERIFY)
    # The set-up step took this period's code; the app's next one is accepted.
    verified = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": ORGANISATIONS})
    assert verified["Location"] == ORGANISATIONS
    assert client.get(ORGANISATIONS).status_code == 200
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_code_from_the_app_is_used_only_once(client, org_admin):
    device, _codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    code = code_for(device, steps_ahead=1)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    fresh_session(client, org_admin)
    device.refresh_from_db()
    again = client.post(VERIFY, {"code": code})
    assert again.status_code == 400
    assert client.get(ORGANISATIONS).status_code == 302


def test_a_recovery_code_verifies_a_session_once_and_is_then_spent(client, org_admin):
    _device, codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    shown = twofactor.shown(codes[0])
    assert client.post(VERIFY, {"code": shown.upper()})["Location"] == "/"
    assert client.get(ORGANISATIONS).status_code == 200
    assert StaticToken.objects.filter(device__user=org_admin).count() == 9
    entry = AuditEntry.objects.get(event="account.two_factor.recovery_code_used")
    assert entry.fields == {"user": org_admin.pk, "remaining": 9}

    fresh_session(client, org_admin)
    spent = client.post(VERIFY, {"code": shown})
    assert spent.status_code == 400
    assert "Koden passer ikke" in spent.content.decode()
    assert client.get(ORGANISATIONS).status_code == 302


def test_wrong_codes_are_refused_with_a_clear_message(client, org_admin):
    device, _codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    for code in (wrong_code_for(device), "abcd-efgh", "12"):
        StaticDevice.objects.filter(user=org_admin).update(throttling_failure_count=0)
        TOTPDevice.objects.filter(user=org_admin).update(throttling_failure_count=0)
        refused = client.post(VERIFY, {"code": code})
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "Koden passer ikke" in html
        assert 'aria-invalid="true"' in html
    assert client.post(VERIFY, {"code": ""}).status_code == 400
    assert client.get(ORGANISATIONS).status_code == 302


def test_after_a_wrong_code_the_next_must_wait_longer_and_longer(client, org_admin):
    device, _codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    client.post(VERIFY, {"code": wrong_code_for(device)})
    right = code_for(device, steps_ahead=1)
    throttled = client.post(VERIFY, {"code": right})
    assert throttled.status_code == 400
    assert "Efter hver forkert kode bliver ventetiden længere" in throttled.content.decode()
    assert client.get(ORGANISATIONS).status_code == 302

    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Once the wait is over (1 second after one failure, 2 after two, …) the code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
    )
    assert client.post(VERIFY, {"code": right}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_an_account_may_try_only_ten_codes_in_a_quarter_of_an_hour(client, org_admin):
    device, _codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    for _ in range(twofactor.ATTEMPTS):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post(VERIFY, {"code": wrong_code_for(device)})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    refused = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert refused.status_code == 400
    assert "Der er forsøgt for mange koder. Vent 15 minutter" in refused.content.decode()
    assert client.get(ORGANISATIONS).status_code == 302


def test_a_system_administrator_must_use_two_factor_and_djangos_admin_waits_for_it(
    client, system_admin
):
    fresh_session(client, system_admin)
    assert client.get("/admin/")["Location"] == f"{SET_UP}?next=%2Fadmin%2F"
    assert client.get("/admin/accounts/user/")["Location"].startswith(SET_UP)
    device = twofactor.pending_device(system_admin)
    client.post(SET_UP, {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admins_login_page_leads_to_the_second_factor_too(client, system_admin):
    set_up_app(system_admin)
    client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": system_admin.email, "password": PASSWORD},
    )
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


def test_a_session_signed_in_with_the_organisations_provider_is_not_asked(client, org_admin):
    client.force_login(org_admin)
    session = client.session
    session[twofactor.SSO_SESSION_KEY] = "aarhus-test"
    session.save()
    assert client.get(ORGANISATIONS).status_code == 200
    assert client.get(SET_UP)["Location"] == "/"


def test_a_leader_who_administers_nothing_is_not_asked(client, outsider):
    fresh_session(client, outsider)
    assert client.get("/").status_code == 200
    assert client.get(reverse("my_rounds")).status_code == 200
    assert client.get(SET_UP)["Location"] == "/"


def test_with_the_setting_off_nobody_is_asked(client, org_admin, settings):
    settings.OMSTIL_TWO_FACTOR_REQUIRED = False
    fresh_session(client, org_admin)
    assert client.get(ORGANISATIONS).status_code == 200


def test_the_pages_to_give_it_logging_out_and_public_pages_need_no_second_factor(client, org_admin):
    fresh_session(client, org_admin)
    assert client.get(reverse("site:healthz")).status_code == 200
    assert client.get(reverse("site:accessibility")).status_code == 200
    assert client.get(reverse("responses:start", args=["ukendt-token"])).status_code == 404
    switched = client.post(reverse("set_language"), {"language": "en", "next": SET_UP})
    assert switched["Location"] == SET_UP
    assert client.get(SET_UP).status_code == 200
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_next_leads_only_to_this_host(client, org_admin):
    device, _codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    page = client.get(f"{VERIFY}?next=https://elsewhere.example/")
    assert 'value="/"' in page.content.decode()
    response = client.post(
        VERIFY, {"code": code_for(device, steps_ahead=1), "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/"


def test_an_administrator_makes_new_recovery_codes_and_the_old_ones_stop_working(client, org_admin):
    device = verified_app_session(client, org_admin)
    old = list(StaticToken.objects.filter(device__user=org_admin).values_list("token", flat=True))
    page = client.get(MANAGE)
    assert "Totrinsbekræftelse" in page.content.decode()
    refused = client.post(MANAGE, {"action": "codes", "codes-code": wrong_code_for(device)})
    assert refused.status_code == 400
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)

    device.refresh_from_db()
    device.throttle_reset()
    made = client.post(MANAGE, {"action": "codes", "codes-code": twofactor.shown(old[0])})
    new = recovery_codes_in(made)
    assert len(new) == 10
    assert not set(old) & {code.replace("-", "") for code in new}
    assert StaticToken.objects.filter(device__user=org_admin).count() == 10
    entry = AuditEntry.objects.get(event="account.two_factor.recovery_codes")
    assert entry.fields == {"user": org_admin.pk, "codes": 10}

    fresh_session(client, org_admin)
    assert client.post(VERIFY, {"code": old[1]}).status_code == 400
    StaticDevice.objects.filter(user=org_admin).update(throttling_failure_count=0)
    assert client.post(VERIFY, {"code": new[0]}).status_code == 302


def test_an_administrator_resets_their_own_two_factor_with_a_code_and_sets_it_up_again(
    client, org_admin
):
    verified_app_session(client, org_admin)
    codes = list(StaticToken.objects.values_list("token", flat=True))
    assert client.post(MANAGE, {"action": "reset", "reset-code": "0"}).status_code == 400
    assert TOTPDevice.objects.filter(user=org_admin, confirmed=True).exists()

    StaticDevice.objects.filter(user=org_admin).update(throttling_failure_count=0)
    reset = client.post(MANAGE, {"action": "reset", "reset-code": codes[0]})
    assert reset["Location"] == SET_UP
    assert not TOTPDevice.objects.filter(user=org_admin).exists()
    assert not StaticDevice.objects.filter(user=org_admin).exists()
    assert client.get(ORGANISATIONS)["Location"].startswith(SET_UP)
    assert "er nulstillet" in client.get(SET_UP).content.decode()
    assert AuditEntry.objects.get(event="account.two_factor.reset").actor_id == org_admin.pk


def test_a_system_administrator_resets_someones_two_factor_from_the_command_line(client, org_admin):
    verified_app_session(client, org_admin)
    out = StringIO()
    call_command("user", "reset-2fa", org_admin.email.upper(), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "ok": True,
        "email": org_admin.email,
        "had_two_factor": True,
    }
    assert not TOTPDevice.objects.filter(user=org_admin).exists()
    # The session that app verified must set two-factor up again.
    assert client.get(ORGANISATIONS)["Location"].startswith(SET_UP)
    entry = AuditEntry.objects.get(event="account.two_factor.reset")
    assert (entry.actor_id, entry.actor_label, entry.fields) == (
        None,
        "system",
        {"user": org_admin.pk},
    )
    text = StringIO()
    call_command("user", "reset-2fa", org_admin.email, stdout=text)
    assert "intet er ændret" in text.getvalue()


def test_the_command_refuses_an_unknown_address(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("user", "reset-2fa", "ingen@fjordby.example")
    assert exit_.value.code == 1
    assert "ingen@fjordby.example" in capsys.readouterr().err


def test_the_audit_trail_holds_no_key_and_no_code(client, org_admin):
    device = verified_app_session(client, org_admin)
    codes = list(StaticToken.objects.values_list("token", flat=True))
    client.post(MANAGE, {"action": "codes", "codes-code": codes[0]})
    secrets = [device.key, twofactor.secret_text(device).replace(" ", ""), *codes]
    trail = json.dumps(list(AuditEntry.objects.values("event", "fields")))
    assert "account.two_factor.set_up" in trail
    assert not any(secret in trail for secret in secrets)


def test_a_user_with_a_role_granted_later_is_asked_from_their_next_page(
    client, organisation, outsider
):
    from omstil.organisations.services import add_admin

    fresh_session(client, outsider)
    assert client.get("/").status_code == 200
    add_admin(organisation, outsider, actor=None)
    assert client.get("/")["Location"].startswith(SET_UP)


def test_a_session_verified_with_a_recovery_code_stays_verified_after_new_codes(client, org_admin):
    _device, codes = set_up_app(org_admin)
    fresh_session(client, org_admin)
    client.post(VERIFY, {"code": codes[0]})
    made = client.post(MANAGE, {"action": "codes", "codes-code": codes[1]})
    assert len(recovery_codes_in(made)) == 10
    assert client.get(ORGANISATIONS).status_code == 200


def test_djangos_admin_offers_no_unaudited_way_to_change_devices(client, system_admin):
    verified_app_session(client, system_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
