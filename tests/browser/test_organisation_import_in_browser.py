"""HR uploads an HR file in Chromium, reads the preview, confirms, and browses the tree."""

import pytest
from playwright.sync_api import Page, expect

from omstil.organisations.models import Organisation, Person
from omstil.organisations.services import import_people
from tests.browser.conftest import assert_accessible, log_in
from tests.hrfiles import PEOPLE, changed, csv_file, without

pytestmark = pytest.mark.browser


@pytest.fixture
def fjordby_hr(hr, transactional_db):
    organisation = Organisation.objects.create(slug="fjordby", name="Fjordby Kommune")
    return hr(organisation)


def test_hr_imports_a_file_after_a_preview(page: Page, live_server, fjordby_hr, tmp_path):
    log_in(page, live_server.url, fjordby_hr)
    page.get_by_role("link", name="Organisationer").click()
    assert_accessible(page)
    page.get_by_role("link", name="Fjordby Kommune").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fjordby Kommune")
    assert_accessible(page)
    page.get_by_role("link", name="Importér fil fra HR-systemet").click()
    assert_accessible(page)

    path = tmp_path / "medarbejdere.csv"
    path.write_bytes(csv_file())
    page.get_by_label("Fil fra HR-systemet").set_input_files(str(path))
    page.get_by_role("button", name="Vis ændringerne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forhåndsvisning af import")
    expect(page.get_by_role("row", name="Nye personer")).to_contain_text(str(len(PEOPLE)))
    assert_accessible(page)
    assert not Person.objects.exists()

    page.get_by_role("button", name="Importér", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Importen er gennemført")
    expect(page.get_by_role("link", name="Hjemmeplejen")).to_be_visible()
    assert_accessible(page)
    assert Person.objects.count() == len(PEOPLE)

    page.get_by_role("link", name="Hjemmeplejen").click()
    expect(page.get_by_role("row", name="Dorte Østergaard")).to_contain_text("Cecilie Ærø")
    assert_accessible(page)


def test_a_bad_file_lists_every_error_and_nothing_changes(
    page: Page, live_server, fjordby_hr, tmp_path
):
    import_people("fjordby", csv_file())
    log_in(page, live_server.url, fjordby_hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/import/")
    path = tmp_path / "forkert.csv"
    path.write_bytes(
        csv_file(changed("4", 2, "ikke-en-adresse", changed("5", 4, "ja", without("6"))))
    )
    page.get_by_label("Fil fra HR-systemet").set_input_files(str(path))
    page.get_by_role("button", name="Vis ændringerne").click()
    expect(page.get_by_role("alert")).to_contain_text("Filen blev ikke importeret: 2 fejl")
    expect(page.get_by_role("row", name="5 email")).to_contain_text("ikke en gyldig e-mailadresse")
    assert_accessible(page)
    assert Person.objects.get(employee_id="6").active


def test_uploading_without_a_file_says_so(page: Page, live_server, fjordby_hr):
    log_in(page, live_server.url, fjordby_hr)
    page.goto(f"{live_server.url}/organisationer/fjordby/import/")
    page.get_by_role("button", name="Vis ændringerne").click()
    expect(page.get_by_text("Vælg en fil.")).to_be_visible()
    assert_accessible(page)
