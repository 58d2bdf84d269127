"""Re-importing keeps the organisation in step: updates, moves, leavers, returners, history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from omstil.organisations.models import Person, Unit
from omstil.organisations.services import ImportRejected, import_people
from omstil.site.demo.organisation import generate, to_csv
from tests.hrfiles import PEOPLE, changed, csv_file, without


def sync(data: bytes) -> dict[str, int]:
    return import_people("fjordby", data, name="Fjordby Kommune").counts()


@pytest.fixture
def fjordby(db):
    sync(csv_file())


def test_an_unchanged_file_changes_nothing(fjordby):
    counts = sync(csv_file())
    assert counts["unchanged"] == len(PEOPLE)
    assert counts["created"] == counts["updated"] == counts["moved"] == counts["deactivated"] == 0


def test_changed_fields_are_updated(fjordby):
    counts = sync(csv_file(changed("8", 1, "Hanne Lund Madsen", changed("8", 6, "Landinspektør"))))
    assert counts["updated"] == 1
    assert counts["unchanged"] == len(PEOPLE) - 1
    hanne = Person.objects.get(employee_id="8")
    assert (hanne.name, hanne.job_family) == ("Hanne Lund Madsen", "Landinspektør")


def test_a_changed_unit_is_a_move_and_reporting_lines_follow(fjordby):
    counts = sync(csv_file(changed("8", 3, "Fjordby Kommune / Social / Hjemmeplejen")))
    assert counts["moved"] == 1
    assert counts["updated"] == 0
    hanne = Person.objects.get(employee_id="8")
    assert hanne.unit.path == "Fjordby Kommune / Social / Hjemmeplejen"
    assert hanne.nearest_leader_employee_id == "3"


def test_a_person_missing_from_the_file_is_deactivated_not_deleted(fjordby):
    counts = sync(csv_file(without("6")))
    assert counts["deactivated"] == 1
    frida = Person.objects.get(employee_id="6")
    assert not frida.active
    assert frida.deactivated_at is not None
    assert Person.objects.count() == len(PEOPLE)


def test_a_person_who_reappears_is_reactivated(fjordby):
    sync(csv_file(without("6")))
    counts = sync(csv_file())
    assert counts["reactivated"] == 1
    frida = Person.objects.get(employee_id="6")
    assert frida.active
    assert frida.deactivated_at is None


def test_a_new_leader_changes_the_reporting_lines_of_the_unit(fjordby):
    counts = sync(csv_file(changed("3", 4, "nej", changed("4", 4, "ja"))))
    assert counts["updated"] == 2
    assert Person.objects.get(employee_id="5").nearest_leader_employee_id == "4"
    assert (
        Unit.objects.get(path="Fjordby Kommune / Social / Hjemmeplejen").leader_employee_id == "4"
    )


def test_a_unit_nobody_is_in_any_more_is_kept_but_inactive(fjordby):
    rows = [row for row in PEOPLE if not row[3].startswith("Fjordby Kommune / Teknik")]
    sync(csv_file(changed("9", 5, "", rows)))
    teknik = Unit.objects.get(path="Fjordby Kommune / Teknik")
    assert not teknik.active
    assert teknik.people.count() == 3
    assert not teknik.people.filter(active=True).exists()


def test_a_rejected_resync_leaves_everything_as_it_was(fjordby):
    before = list(Person.objects.order_by("pk").values())
    with pytest.raises(ImportRejected):
        sync(csv_file(changed("4", 4, "ja", without("6"))))
    assert list(Person.objects.order_by("pk").values()) == before


def test_organisations_are_kept_apart(fjordby):
    import_people("andeby", csv_file(without("1")), name="Andeby Kommune")
    assert Person.objects.filter(organisation__slug="fjordby").count() == len(PEOPLE)
    assert Person.objects.filter(organisation__slug="andeby").count() == len(PEOPLE) - 1
    sync(csv_file(without("8")))
    assert not Person.objects.get(organisation__slug="fjordby", employee_id="8").active
    assert Person.objects.get(organisation__slug="andeby", employee_id="8").active


@pytest.mark.parametrize("mode", ["first import", "re-import with changes"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(db, mode):
    counts = []
    for size, slug in [(150, "lille"), (1200, "stor")]:
        people = generate(size, name=f"{slug.title()} Kommune", domain=f"{slug}.example", seed=size)
        if mode == "re-import with changes":
            import_people(slug, to_csv(people))
            people = people[:-3] + [
                type(p)(**{**p.__dict__, "job_family": p.job_family + " (ny)"}) for p in people[-3:]
            ]
        with CaptureQueriesContext(connection) as queries:
            import_people(slug, to_csv(people))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_day_a_person_became_leader_is_kept_until_they_stop_leading(fjordby):
    from django.utils import timezone

    assert Person.objects.get(employee_id="3").leader_since == timezone.localdate()
    assert Person.objects.get(employee_id="4").leader_since is None
    Person.objects.filter(employee_id="3").update(leader_since="2020-01-01")
    sync(csv_file(changed("8", 1, "Hanne L.")))
    assert str(Person.objects.get(employee_id="3").leader_since) == "2020-01-01"
    sync(csv_file(changed("3", 4, "nej", changed("4", 4, "ja"))))
    assert Person.objects.get(employee_id="3").leader_since is None
    assert Person.objects.get(employee_id="4").leader_since == timezone.localdate()
