"""The instrument library in the browser: who may see it, what it shows, in Danish and English."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from omstil.instruments.services import get_version
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("library")


def logged_in(client: Client, user) -> Client:
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_it_requires_login(client):
    response = client.get(reverse("instruments:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_lists_the_five_shipped_instruments(client, outsider):
    response = logged_in(client, outsider).get(reverse("instruments:list"))
    page = response.content.decode()
    for key in [
        "digital-omstilling",
        "topleder-kompetencer",
        "ti-bud",
        "digital-ledelse-fem-elementer",
        "medarbejder-digitale-kompetencer",
    ]:
        assert reverse("instruments:detail", args=[key]) in page


def test_the_detail_page_shows_every_statement_in_every_raters_wording(client, org_admin):
    version = get_version("digital-omstilling")
    response = logged_in(client, org_admin).get(
        reverse("instruments:detail", args=[version.instrument.key])
    )
    page = response.content.decode()
    for item in version.items.all():
        for role in version.roles:
            assert item.wording(role, "da") in page
    assert "Min leder sikrer, at vi har styr på IT-sikkerheden i vores enhed" in page
    for label in [
        "Helt uenig",
        "Hverken enig eller uenig",
        "Helt enig",
        "Ved ikke",
        "Ønsker ikke at oplyse",
    ]:
        assert label in page
    theme = version.themes.get()
    for question in theme.content["reflection_questions"]:
        assert question["da"] in page
    for example in theme.content["examples"]:
        assert example["title"]["da"] in page


def test_the_detail_page_is_in_english_when_english_is_chosen(client, org_admin):
    client = logged_in(client, org_admin)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/instrumenter/"})
    assert response.status_code == 302
    version = get_version("digital-omstilling")
    page = client.get(reverse("instruments:detail", args=["digital-omstilling"])).content.decode()
    assert '<html lang="en">' in page
    assert version.items.get(key="forklare-hvorfor").wording("employee", "en") in page
    assert "Strongly disagree" in page


def test_both_guides_are_pages_beside_the_instrument(client, org_admin):
    client = logged_in(client, org_admin)
    version = get_version("digital-omstilling")
    for audience, guide in [("leder", "leader"), ("organisation", "organisation")]:
        url = reverse("instruments:guide", args=["digital-omstilling", audience])
        page = client.get(url).content.decode()
        content = version.document["guides"][guide]
        assert content["title"]["da"] in page
        for section in content["sections"]:
            assert section["heading"]["da"] in page


def test_an_unknown_instrument_or_guide_is_404(client, org_admin):
    client = logged_in(client, org_admin)
    assert client.get(reverse("instruments:detail", args=["findes-ikke"])).status_code == 404
    assert client.get(reverse("instruments:guide", args=["ti-bud", "alle"])).status_code == 404
    assert client.get(reverse("instruments:version", args=["ti-bud", 99])).status_code == 404


def test_the_detail_page_costs_a_fixed_number_of_queries(client, org_admin):
    client = logged_in(client, org_admin)
    counts = []
    for key in ["digital-omstilling", "medarbejder-digitale-kompetencer"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("instruments:detail", args=[key])).status_code == 200
        counts.append(len(queries))
    # One theme or six: the number of queries does not grow with the instrument.
    assert counts == [8, 8]


def test_the_accessibility_statement_is_public_and_linked_from_every_page(client, outsider):
    page = client.get(reverse("site:accessibility")).content.decode()
    assert "Tilgængelighedserklæring" in page
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("site:accessibility")}">Tilgængelighedserklæring' in login_page


def test_danish_is_shown_even_to_a_browser_that_asks_for_english(client, org_admin):
    client = logged_in(client, org_admin)
    page = client.get(reverse("instruments:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="da">' in page.content.decode()


def test_a_user_whose_language_is_english_sees_english_until_they_switch(client, org_admin):
    org_admin.language = "en"
    org_admin.save()
    client = logged_in(client, org_admin)
    assert '<html lang="en">' in client.get(reverse("instruments:list")).content.decode()
    client.post(reverse("set_language"), {"language": "da", "next": "/"})
    assert '<html lang="da">' in client.get(reverse("instruments:list")).content.decode()


def test_the_employees_mapping_is_answered_by_each_employee_not_by_the_leader(client, outsider):
    page = logged_in(client, outsider).get(reverse("instruments:list")).content.decode()
    mapping = page[
        page.index(reverse("instruments:detail", args=["medarbejder-digitale-kompetencer"])) :
    ]
    mapping = mapping[: mapping.index("</li>")]
    assert "Hver medarbejder om sig selv" in mapping
    assert "Lederen selv" not in mapping


def test_the_ten_pointers_are_numbered_one_to_ten_across_their_themes(client, org_admin):
    page = logged_in(client, org_admin).get(reverse("instruments:detail", args=["ti-bud"]))
    html = page.content.decode()
    numbers = [int(number) for number in re.findall(r"Udsagn (\d+) <span", html)]
    assert numbers == list(range(1, 11))
