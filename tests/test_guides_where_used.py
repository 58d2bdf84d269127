"""The guides are where they are used: the leader's beside the report, the dialogue and the plan;
the organisation's beside HR's round, organisation and report pages."""

from django.urls import reverse

from omstil.instruments.services import get_version
from omstil.rounds.models import Round
from tests.test_development import log_in


def guide_url(audience: str) -> str:
    version = get_version("digital-omstilling")
    return reverse(
        "instruments:version_guide", args=["digital-omstilling", version.number, audience]
    )


def test_the_leader_finds_the_leader_guide_beside_report_dialogue_and_plan(client, closed):
    log_in(client, "cecilie@fjordby.example")
    for name in ("reports:leader", "development:dialogue", "development:plan"):
        html = client.get(reverse(name, args=[closed.pk, "3"])).content.decode()
        assert f'href="{guide_url("leder")}"' in html, name
        assert guide_url("organisation") not in html, name
    guide = client.get(guide_url("leder"))
    assert guide.status_code == 200


def test_hr_finds_the_organisation_guide_beside_round_organisation_and_unit_report(client, closed):
    Round.objects.filter(pk=closed.pk).update(visibility={**closed.visibility, "org_admins": True})
    log_in(client, "hr@fjordby.example", admin_of=closed.organisation)
    pages = [
        reverse("rounds:detail", args=[closed.organisation.slug, closed.pk]),
        reverse("reports:unit", args=[closed.pk]) + "?enhed=Fjordby+Kommune",
        reverse("organisations:detail", args=[closed.organisation.slug]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert f'href="{guide_url("organisation")}"' in html, page
        assert guide_url("leder") not in html, page
