"""Two-factor set-up and verification, and password reset, in Chromium in Danish and English;
axe-core finds no WCAG 2.1 AA violation on any of their pages.

The English runs find their way by the page's structure and check `lang="en"`: the texts'
English wording comes with the English catalogue.
"""

import base64
import re
import time

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from omstil.accounts.models import User
from omstil.accounts.services import set_up_user
from omstil.organisations.models import Organisation
from omstil.organisations.services import add_admin
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
LANGUAGES = ["da", "en"]


@pytest.fixture
def hr(transactional_db, settings, live_server) -> User:
    # transactional: the live server and the worker read what the test writes.
    from django.core.cache import cache

    cache.clear()
    settings.OMSTIL_TWO_FACTOR_REQUIRED = True
    settings.BASE_URL = live_server.url
    organisation = Organisation.objects.create(slug="fjordby", name="Fjordby Kommune")
    user = set_up_user("hanne@fjordby.example", PASSWORD, name="Hanne HR")
    add_admin(organisation, user, actor=None)
    return user


def open_login(page: Page, base_url: str, language: str) -> None:
    page.goto(f"{base_url}/konto/log-ind/")
    if page.locator("html").get_attribute("lang") != language:  # the choice stays in a cookie
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def log_in(page: Page, base_url: str, language: str, email: str, password: str) -> None:
    open_login(page, base_url, language)
    page.locator("main input[name=username]").fill(email)
    page.locator("main input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()


def app_code(secret: str) -> str:
    """What an authenticator app shows for the key typed in by hand."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_administrator_sets_up_two_factor_and_verifies_a_later_login(
    page: Page, live_server, hr, language
):
    base = live_server.url
    log_in(page, base, language, hr.email, PASSWORD)
    page.wait_for_url(re.compile(r"/konto/totrin/opsaet/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    if language == "da":
        expect(page.get_by_role("heading", level=1)).to_have_text("Sæt totrinsbekræftelse op")
    expect(page.locator("main .omstil-qr svg")).to_be_visible()
    assert page.locator("nav.omstil-nav").count() == 0  # no menu to pages not yet open
    assert_accessible(page)

    secret = page.locator("main .omstil-secret code").inner_text()
    page.locator("main input[name=code]").fill("000000" if app_code(secret) != "000000" else "1")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main .form-error-message")).to_be_visible()
    if language == "da":
        expect(page.locator("main .form-error-message")).to_contain_text("Koden passer ikke")
    assert_accessible(page)

    time.sleep(1.1)  # a wrong code makes the next wait a second
    page.locator("main input[name=code]").fill(app_code(secret))
    page.locator("main button[type=submit]").click()
    codes = page.locator("main .omstil-codes code")
    expect(codes).to_have_count(10)
    if language == "da":
        expect(page.get_by_role("heading", level=1)).to_have_text("Dine gendannelseskoder")
    assert_accessible(page)
    recovery_code = codes.first.inner_text()
    page.locator("main a.button-primary").click()
    page.wait_for_url(f"{base}/")
    expect(page.locator("nav.omstil-nav a[href='/konto/totrin/']")).to_be_visible()

    page.goto(f"{base}/konto/totrin/")
    assert_accessible(page)
    page.locator("header button[type=submit]:not([name=language])").click()  # log out
    page.wait_for_url(re.compile(r"/konto/log-ind/"))

    log_in(page, base, language, hr.email, PASSWORD)
    page.wait_for_url(re.compile(r"/konto/totrin/bekraeft/"))
    if language == "da":
        expect(page.get_by_role("heading", level=1)).to_have_text("Bekræft dit login")
    assert_accessible(page)
    page.locator("main input[name=code]").fill(recovery_code)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/organisationer/")
    expect(page.locator("main")).to_contain_text("Fjordby Kommune")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_administrator_resets_a_forgotten_password_by_email(
    page: Page, live_server, hr, smtp_server, language
):
    base = live_server.url
    open_login(page, base, language)
    page.locator("main a[href='/konto/adgangskode/glemt/']").click()
    if language == "da":
        expect(page.get_by_role("heading", level=1)).to_have_text("Glemt adgangskode")
    assert_accessible(page)
    page.locator("main input[type=email]").fill(hr.email)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/konto/adgangskode/glemt/sendt/"))
    if language == "da":
        expect(page.get_by_role("heading", level=1)).to_have_text("Se din e-mail")
    assert_accessible(page)

    call_command("worker", "--burst", verbosity=0)
    (message,) = smtp_server.messages
    (link,) = re.findall(r"http://\S+/konto/adgangskode/ny/\S+/", message.get_content())
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", language)
    if language == "da":
        expect(page.get_by_role("heading", level=1)).to_have_text("Vælg en ny adgangskode")
    assert_accessible(page)
    page.locator("main input[name=new_password1]").fill("en-helt-ny-og-lang-adgangskode")
    page.locator("main input[name=new_password2]").fill("noget-helt-andet-end-det")
    page.locator("main button[type=submit]").click()
    expect(page.locator("main .form-error-message")).to_be_visible()
    assert_accessible(page)
    page.locator("main input[name=new_password1]").fill("en-helt-ny-og-lang-adgangskode")
    page.locator("main input[name=new_password2]").fill("en-helt-ny-og-lang-adgangskode")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/konto/adgangskode/ny/skiftet/"))
    if language == "da":
        expect(page.get_by_role("heading", level=1)).to_have_text("Din adgangskode er skiftet")
    assert_accessible(page)

    page.goto(link)  # spent
    expect(page.locator("main a[href='/konto/adgangskode/glemt/']")).to_be_visible()
    assert_accessible(page)
    log_in(page, base, language, hr.email, "en-helt-ny-og-lang-adgangskode")
    page.wait_for_url(re.compile(r"/konto/totrin/opsaet/"))  # and two-factor still applies
