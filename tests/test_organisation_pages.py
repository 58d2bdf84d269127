"""HR's pages for an organisation: only its own admins see it; upload, preview, confirm, delete."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from omstil.organisations.models import Organisation, PendingImport, Person
from omstil.organisations.services import import_people
from tests.conftest import PASSWORD
from tests.hrfiles import changed, csv_file, without


def log_in(client, user):
    assert client.login(username=user.email, password=PASSWORD)
    return client


def upload(client, organisation, data: bytes, name: str = "hr.csv"):
    return client.post(
        reverse("organisations:import", args=[organisation.slug]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


@pytest.fixture
def populated(organisation):
    import_people(organisation.slug, csv_file())
    return organisation


def test_an_admin_sees_the_unit_tree_with_leaders_counts_and_warnings(client, org_admin, populated):
    page = log_in(client, org_admin).get(reverse("organisations:detail", args=[populated.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Hjemmeplejen" in html
    assert "leder: Cecilie Ærø" in html
    assert "færre end mindste gruppestørrelse" in html
    assert "Lederen har 1 medarbejder –" in html  # one is singular
    assert "Lederen har 1 medarbejdere" not in html


def test_the_unit_page_lists_its_people_with_their_nearest_leader(client, org_admin, populated):
    unit = populated.units.get(path="Fjordby Kommune / Teknik")
    html = (
        log_in(client, org_admin)
        .get(reverse("organisations:unit", args=[populated.slug, unit.pk]))
        .content.decode()
    )
    assert "Hanne Lund" in html
    assert "Bo Socialchef" in html  # Ib reports to Bo (refererer_til)


@pytest.mark.parametrize("persona", ["outsider", "other_admin"])
def test_nobody_else_can_see_or_import_into_the_organisation(
    client, populated, persona, outsider, other_organisation, hr
):

    user = outsider
    if persona == "other_admin":
        user = hr(other_organisation)
    client = log_in(client, user)
    unit = populated.units.first()
    for url in [
        reverse("organisations:detail", args=[populated.slug]),
        reverse("organisations:unit", args=[populated.slug, unit.pk]),
        reverse("organisations:import", args=[populated.slug]),
        reverse("privacy:organisation_delete", args=[populated.slug]),
    ]:
        assert client.get(url).status_code in (403, 404), url
    assert upload(client, populated, csv_file(without("6"))).status_code == 404
    assert Person.objects.get(employee_id="6").active
    listing = client.get(reverse("organisations:list")).content.decode()
    assert populated.name not in listing


def test_a_system_admin_sees_every_organisation(
    client, system_admin, populated, other_organisation
):
    listing = log_in(client, system_admin).get(reverse("organisations:list")).content.decode()
    assert populated.name in listing
    assert other_organisation.name in listing


def test_upload_shows_a_preview_and_changes_nothing_until_confirmed(client, org_admin, populated):
    client = log_in(client, org_admin)
    response = upload(client, populated, csv_file(changed("8", 1, "Hanne Madsen", without("6"))))
    html = response.content.decode()
    assert "Forhåndsvisning af import" in html
    assert "Frida Holm" in html  # leaving
    assert Person.objects.get(employee_id="6").active
    pending = PendingImport.objects.get()
    response = client.post(
        reverse("organisations:import_confirm", args=[populated.slug, pending.pk]),
        {"action": "confirm"},
    )
    assert response.status_code == 302
    assert not Person.objects.get(employee_id="6").active
    assert Person.objects.get(employee_id="8").name == "Hanne Madsen"
    assert not PendingImport.objects.exists()
    assert populated.imports.first().imported_by == org_admin


def test_a_bad_file_shows_every_error_with_row_and_column_and_changes_nothing(
    client, org_admin, populated
):
    client = log_in(client, org_admin)
    html = upload(
        client, populated, csv_file(changed("4", 2, "x", changed("5", 4, "ja")))
    ).content.decode()
    assert "Filen blev ikke importeret" in html
    assert "“x” er ikke en gyldig e-mailadresse." in html
    assert not PendingImport.objects.exists()
    assert Person.objects.get(employee_id="4").email == "dorte@fjordby.example"


def test_cancelling_a_preview_changes_nothing(client, org_admin, populated):
    client = log_in(client, org_admin)
    upload(client, populated, csv_file(without("6")))
    pending = PendingImport.objects.get()
    client.post(
        reverse("organisations:import_confirm", args=[populated.slug, pending.pk]),
        {"action": "cancel"},
    )
    assert Person.objects.get(employee_id="6").active
    assert not PendingImport.objects.exists()


def test_a_preview_that_no_longer_holds_is_shown_again(client, org_admin, populated):
    client = log_in(client, org_admin)
    upload(client, populated, csv_file(without("6")))
    pending = PendingImport.objects.get()
    import_people(populated.slug, csv_file(without("5")))  # someone else imports meanwhile
    html = client.post(
        reverse("organisations:import_confirm", args=[populated.slug, pending.pk]),
        {"action": "confirm"},
    ).content.decode()
    assert "Organisationen er ændret" in html
    assert Person.objects.get(employee_id="6").active


def test_only_a_system_admin_deletes_and_must_type_the_short_name(
    client, org_admin, system_admin, populated
):
    url = reverse("privacy:organisation_delete", args=[populated.slug])
    assert log_in(client, org_admin).post(url, {"confirm": populated.slug}).status_code == 403
    client.logout()
    client = log_in(client, system_admin)
    assert client.post(url, {"confirm": "forkert"}).status_code == 200
    assert Organisation.objects.filter(pk=populated.pk).exists()
    assert client.post(url, {"confirm": populated.slug}).status_code == 302
    assert not Organisation.objects.filter(pk=populated.pk).exists()
    assert not Person.objects.exists()


def test_a_system_admin_creates_an_organisation(client, system_admin, org_admin):
    response = log_in(client, system_admin).post(
        reverse("organisations:list"),
        {"name": "Ny Region", "slug": "ny-region", "min_group_size": 5},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(slug="ny-region").name == "Ny Region"
    client.logout()
    log_in(client, org_admin).post(
        reverse("organisations:list"), {"name": "Snyd", "slug": "snyd", "min_group_size": 5}
    )
    assert not Organisation.objects.filter(slug="snyd").exists()


def test_min_group_size_below_3_is_refused(client, system_admin):
    response = log_in(client, system_admin).post(
        reverse("organisations:list"), {"name": "X", "slug": "x", "min_group_size": 2}
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(slug="x").exists()


def test_an_organisation_that_has_run_rounds_can_be_deleted(client, system_admin, populated):
    from omstil.instruments.services import sync_library
    from omstil.responses.closing import close_round
    from omstil.responses.models import Response
    from omstil.rounds.models import Round
    from omstil.rounds.services import open_round
    from tests.rounds_helpers import draft_round

    sync_library()
    round_ = draft_round(populated)
    open_round(round_)
    close_round(round_)
    client.login(username=system_admin.email, password=PASSWORD)
    url = reverse("privacy:organisation_delete", args=[populated.slug])
    assert client.post(url, {"confirm": populated.slug}).status_code == 302
    assert not Organisation.objects.filter(pk=populated.pk).exists()
    assert not Round.objects.exists()
    assert not Response.objects.exists()
    assert not Person.objects.exists()
