"""HR corrects a round before it opens: edits or deletes the draft, sees how many are invited per
leader, previews the e-mails, and aims the round at a leadership level (docs/rounds.md)."""

import json
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from omstil.accounts.services import set_up_user
from omstil.core.models import AuditEntry
from omstil.organisations.accounts import sync_accounts
from omstil.organisations.models import Person
from omstil.rounds.models import EvaluatedLeader, Invitation, LocalStatement, Round, RoundInstrument
from omstil.rounds.services import (
    RoundInvalid,
    RoundSetup,
    create_round,
    delete_round,
    open_round,
    round_plan,
    update_round,
)
from tests.conftest import PASSWORD
from tests.hrfiles import PEOPLE
from tests.rounds_helpers import LINK, draft_round, kommune

TOPLEDER_REFUSED = "Udsagnene i “topleder-kompetencer” handler om en topleder (“Min topleder …”)"

# Below Cecilie's Hjemmeplejen a night team with its own leader: four levels of units, and
# Cecilie becomes a leader with a leader reporting to her.
NIGHT = "Fjordby Kommune / Social / Hjemmeplejen / Nattevagten"
DEEPER = [
    *PEOPLE,
    ["10", "Jens Natleder", "jens@fjordby.example", NIGHT, "ja", "", "Leder", "da"],
    ["11", "Karin Nat", "karin@fjordby.example", NIGHT, "nej", "", "SOSU-assistent", "da"],
]


@pytest.fixture
def fjordby(db):
    return kommune()


@pytest.fixture
def fjordby_hr(hr, fjordby):
    return hr(fjordby)


@pytest.fixture
def signed_in(client, fjordby_hr):
    client.login(username=fjordby_hr.email, password=PASSWORD)
    return client


def form_data(**changes):
    today = timezone.localdate()
    data = {
        "name": "Ledelsesevaluering 2026",
        "instruments": ["digital-omstilling"],
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=21)).isoformat(),
        "min_group_size": "5",
        "rater_groups": ["employee", "self", "superior"],
        "leader_level": "all",
        "visibility": ["leader", "superior"],
        "local_da": "Min leder lytter til vores idéer",
        "local_en": "My leader listens to our ideas",
    }
    data.update(changes)
    return data


def setup(**changes) -> RoundSetup:
    today = timezone.localdate()
    values = {
        "name": "Ledelsesevaluering 2026",
        "instruments": ["digital-omstilling"],
        "opens_on": today,
        "closes_on": today + timedelta(days=21),
    }
    return RoundSetup(**{**values, **changes})


def url(name: str, round_: Round, slug: str = "fjordby") -> str:
    return reverse(f"rounds:{name}", args=[slug, round_.pk])


def state(round_: Round) -> tuple:
    """Everything a draft's set-up consists of, to compare before and after."""
    fresh = Round.objects.get(pk=round_.pk)
    return (
        fresh.name,
        fresh.min_group_size,
        fresh.leader_level,
        fresh.rater_groups,
        fresh.reminder_dates,
        list(fresh.instruments.values_list("version__instrument__key", "themes")),
        list(fresh.local_statements.values_list("key", "text")),
    )


# --- Editing a draft --------------------------------------------------------------------------


def test_hr_edits_a_draft_on_a_page_filled_in_from_it(signed_in, fjordby):
    round_ = draft_round(
        fjordby,
        local_statements=[{"da": "Min leder lytter", "en": "My leader listens"}],
        reminder_dates=[timezone.localdate() + timedelta(days=7)],
    )
    detail = signed_in.get(url("detail", round_)).content.decode()
    assert url("edit", round_) in detail
    page = signed_in.get(url("edit", round_))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Ledelsesevaluering 2026"' in html
    assert "Min leder lytter</textarea>" in html
    assert "Hvem evalueres" in html
    assert (timezone.localdate() + timedelta(days=7)).isoformat() in html

    response = signed_in.post(
        url("edit", round_),
        form_data(
            name="Topledelsen 2026",
            instruments=["digital-omstilling", "topleder-kompetencer"],
            min_group_size="6",
            leader_level="top",
            rater_groups=["employee", "self", "superior", "peer"],
            local_da="Min leder giver os tid\nMin leder deler viden",
            local_en="My leader gives us time\nMy leader shares knowledge",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url("detail", round_)
    round_.refresh_from_db()
    assert round_.name == "Topledelsen 2026"
    assert round_.min_group_size == 6
    assert round_.leader_level == Round.LeaderLevel.TOP
    assert round_.rater_groups == ["employee", "self", "superior", "peer"]
    assert round_.reminder_dates == []
    assert list(round_.instruments.values_list("version__instrument__key", flat=True)) == [
        "digital-omstilling",
        "topleder-kompetencer",
    ]
    assert [s.text["da"] for s in round_.local_statements.all()] == [
        "Min leder giver os tid",
        "Min leder deler viden",
    ]
    assert RoundInstrument.objects.count() == 2
    assert LocalStatement.objects.count() == 2
    entry = AuditEntry.objects.get(event="round.update")
    assert entry.fields["round"] == round_.pk
    detail = signed_in.get(response["Location"]).content.decode()
    assert "Ændringerne i kladden er gemt." in detail
    assert "Topledere: lederne af den øverste enhed og niveauet under den" in detail


def test_an_invalid_edit_leaves_the_draft_unchanged_and_says_why(signed_in, fjordby):
    round_ = draft_round(fjordby, local_statements=[{"da": "Min leder lytter", "en": "Listens"}])
    before = state(round_)
    today = timezone.localdate()
    response = signed_in.post(
        url("edit", round_),
        form_data(
            name="Ny",
            closes_on=(today - timedelta(days=1)).isoformat(),
            instruments=["digital-omstilling", "topleder-kompetencer"],
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ændringerne blev ikke gemt" in html
    assert "Runden kan ikke lukke, før den åbner." in html
    assert TOPLEDER_REFUSED in html
    assert state(round_) == before

    with pytest.raises(RoundInvalid) as refused:
        update_round(round_, setup(name="", instruments=["findes-ikke"]))
    assert "Runden skal have et navn." in refused.value.errors
    assert "Instrumentet “findes-ikke” findes ikke." in refused.value.errors
    assert state(round_) == before
    assert not AuditEntry.objects.filter(event="round.update").exists()


def test_a_round_that_has_opened_cannot_be_edited(signed_in, fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    before = state(round_)
    assert url("edit", round_) not in signed_in.get(url("detail", round_)).content.decode()
    response = signed_in.get(url("edit", round_), follow=True)
    assert response.redirect_chain == [(url("detail", round_), 302)]
    assert (
        "Runden er allerede åbnet, så dens opsætning kan ikke længere ændres."
        in response.content.decode()
    )
    signed_in.post(url("edit", round_), form_data(name="Ny"))
    assert state(round_) == before
    with pytest.raises(RoundInvalid) as refused:
        update_round(round_, setup(name="Ny"))
    assert refused.value.errors == [
        "Runden er allerede åbnet, så dens opsætning kan ikke længere ændres."
    ]
    assert state(round_) == before


# --- Deleting a draft -------------------------------------------------------------------------


def test_hr_deletes_a_draft_after_being_asked(signed_in, fjordby):
    round_ = draft_round(
        fjordby,
        instruments=["digital-omstilling", "digital-ledelse-fem-elementer"],
        local_statements=[{"da": "Min leder lytter", "en": "My leader listens"}],
    )
    other = draft_round(fjordby, name="Bliver")
    assert url("delete", round_) in signed_in.get(url("detail", round_)).content.decode()
    page = signed_in.get(url("delete", round_))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Vil du slette kladden “Ledelsesevaluering 2026”?" in html
    assert "1 lokalt udsagn" in html
    assert "Ledelse af digital omstilling" in html  # the instruments that go with it
    assert Round.objects.filter(pk=round_.pk).exists()  # asking deletes nothing

    response = signed_in.post(url("delete", round_), follow=True)
    assert response.redirect_chain == [(reverse("rounds:list", args=["fjordby"]), 302)]
    assert "Kladden “Ledelsesevaluering 2026” er slettet." in response.content.decode()
    assert not Round.objects.filter(pk=round_.pk).exists()
    assert not RoundInstrument.objects.filter(round_id=round_.pk).exists()
    assert not LocalStatement.objects.filter(round_id=round_.pk).exists()
    assert Round.objects.filter(pk=other.pk).exists()
    entry = AuditEntry.objects.get(event="round.delete")
    assert entry.fields == {"round": round_.pk, "instruments": 2, "local_statements": 1}


def test_an_open_or_closed_round_cannot_be_deleted(signed_in, fjordby):
    round_ = draft_round(fjordby)
    open_round(round_)
    response = signed_in.post(url("delete", round_), follow=True)
    assert response.redirect_chain == [(url("detail", round_), 302)]
    assert "Kun en kladde kan slettes. Denne runde er allerede åbnet." in response.content.decode()
    assert signed_in.get(url("delete", round_)).status_code == 302
    with pytest.raises(RoundInvalid):
        delete_round(round_)
    assert Round.objects.filter(pk=round_.pk).exists()
    assert Invitation.objects.filter(round=round_).count() == 15
    assert not AuditEntry.objects.filter(event="round.delete").exists()


# --- Invitations per leader before opening ---------------------------------------------------


def invited_by_leader(round_: Round) -> Counter:
    return Counter(
        Invitation.objects.filter(round=round_).values_list("leader__employee_id", "rater_group")
    )


def planned_by_leader(round_: Round) -> Counter:
    return Counter(
        {
            (planned.person.employee_id, group): planned.count(group)
            for planned in round_plan(round_).leaders
            for group in planned.raters
            if planned.count(group)
        }
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"rater_groups": ["employee", "self", "superior", "peer"]},
        {"rater_groups": ["employee", "self", "superior", "peer"], "leader_level": "top"},
        {"rater_groups": ["employee", "peer"], "leader_units": ["Fjordby Kommune / Social"]},
    ],
)
def test_the_counts_per_leader_are_what_opening_creates(fjordby, changes):
    round_ = draft_round(fjordby, **changes)
    planned = planned_by_leader(round_)
    plan = round_plan(round_)
    open_round(round_)
    assert invited_by_leader(round_) == planned
    assert Invitation.objects.filter(round=round_).count() == plan.total
    assert sorted(EvaluatedLeader.objects.filter(round=round_).values_list("employee_id")) == (
        sorted((p.person.employee_id,) for p in plan.leaders)
    )


def test_hr_sees_the_invitations_per_leader_on_a_page(signed_in, fjordby):
    round_ = draft_round(fjordby, rater_groups=["employee", "self", "superior", "peer"])
    detail = signed_in.get(url("detail", round_)).content.decode()
    assert url("invitations", round_) in detail
    before = (Invitation.objects.count(), EvaluatedLeader.objects.count())
    page = signed_in.get(url("invitations", round_))
    assert page.status_code == 200
    html = page.content.decode()
    assert before == (Invitation.objects.count(), EvaluatedLeader.objects.count())
    rows = table_rows(html)
    # Leader, unit, employees, self, superior, peers, total; and Cecilie's three employees are
    # fewer than five: no employee figures in her report.
    assert [
        "Cecilie Ærø",
        "Fjordby Kommune / Social / Hjemmeplejen",
        "3 – under mindste gruppestørrelse – ingen medarbejdertal i rapporten",
        "1",
        "1",
        "0",
        "5",
    ] in rows
    assert rows[0] == [
        "Leder", "Enhed", "Medarbejdere", "Lederen selv", "Overordnet leder", "Lederkolleger",
        "I alt",
    ]  # fmt: skip
    gustav = next(row for row in rows if row[0] == "Gustav Berg")
    assert gustav[2].startswith("1 – under mindste")  # Hanne; Ib reports to Bo
    plan = round_plan(round_)
    assert f"{len(plan.leaders)} ledere evalueres, {plan.total} invitationer i alt." in html
    open_round(round_)
    assert Invitation.objects.filter(round=round_).count() == plan.total
    assert invited_by_leader(round_)[("3", "employee")] == 3
    assert signed_in.get(url("invitations", round_)).status_code == 302  # only before opening


def table_rows(html: str) -> list[list[str]]:
    """Each row of the page's table as the text of its cells."""
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]


# --- The e-mails, previewed --------------------------------------------------------------------


def test_hr_previews_the_emails_in_danish_and_english_and_nothing_is_written(signed_in, fjordby):
    round_ = draft_round(fjordby)
    assert url("preview", round_) in signed_in.get(url("detail", round_)).content.decode()
    before = (
        Invitation.objects.count(),
        EvaluatedLeader.objects.count(),
        AuditEntry.objects.count(),
    )
    response = signed_in.get(url("preview", round_))
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert before == (
        Invitation.objects.count(),
        EvaluatedLeader.objects.count(),
        AuditEntry.objects.count(),
    )
    round_.refresh_from_db()
    assert round_.token_salt == ""
    assert round_.status == Round.Status.DRAFT
    # Danish and English, invitation and reminder, by the real build_message.
    assert "Evaluering af Leder Eksempel: Ledelsesevaluering 2026" in html
    assert "Påmindelse: Evaluering af Leder Eksempel: Ledelsesevaluering 2026" in html
    assert "Kære Medarbejder Eksempel" in html
    assert "Evaluation of " in html
    assert "Reminder: Evaluation of " in html
    assert "Dear " in html
    assert "Dit personlige link:" in html
    # An example link, no real token; the HTML part shown as text, never as markup.
    assert "/svar/EKSEMPEL/" in html
    assert not LINK.search(html)
    assert "&lt;a href=" in html
    assert "<body style=" not in html
    assert html.count('lang="en"') >= 2
    assert "Det tager omkring 3 minutter." in html  # five statements and the introduction


def test_the_preview_shows_names_as_text_never_as_markup(signed_in, fjordby):
    fjordby.name = "Fjordby <i>Kommune</i>"
    fjordby.save(update_fields=["name"])
    round_ = draft_round(fjordby, name="Runde <b>1</b>")
    html = signed_in.get(url("preview", round_)).content.decode()
    assert "<i>" not in html
    assert "<b>" not in html
    assert "Fjordby &lt;i&gt;Kommune&lt;/i&gt;" in html  # the text body, written unescaped
    assert "Runde &lt;b&gt;1&lt;/b&gt;" in html  # the subject


def test_the_preview_follows_an_edited_draft(signed_in, fjordby):
    round_ = draft_round(fjordby)
    assert "omkring 3 minutter" in signed_in.get(url("preview", round_)).content.decode()
    update_round(
        round_,
        setup(instruments=["digital-omstilling", "topleder-kompetencer"], leader_level="top"),
    )
    # Twelve statements now: the time is counted afresh, not remembered for the draft.
    assert "omkring 5 minutter" in signed_in.get(url("preview", round_)).content.decode()


# --- Leadership level -----------------------------------------------------------------------


def test_top_leaders_and_leaders_of_leaders_are_chosen_from_the_reporting_lines(db):
    organisation = kommune(DEEPER)
    chosen = {}
    for level in Round.LeaderLevel.values:
        round_ = draft_round(organisation, name=level, leader_level=level)
        chosen[level] = sorted(p.person.employee_id for p in round_plan(round_).leaders)
        open_round(round_)
        assert sorted(round_.leaders.values_list("employee_id", flat=True)) == chosen[level]
    # Anne leads the top unit; Bo and Gustav the units directly below; Cecilie and Jens lower.
    assert chosen["all"] == ["1", "10", "2", "3", "7"]
    assert chosen["top"] == ["1", "2", "7"]
    # Anne has Bo and Gustav below her, Bo has Cecilie, Cecilie has Jens; Gustav and Jens none.
    assert chosen["leaders_of_leaders"] == ["1", "2", "3"]


def test_the_level_goes_with_the_other_limits(db):
    organisation = kommune(DEEPER)
    round_ = draft_round(
        organisation, leader_level="leaders_of_leaders", leader_units=["Fjordby Kommune / Social"]
    )
    assert sorted(p.person.employee_id for p in round_plan(round_).leaders) == ["2", "3"]
    nobody = draft_round(
        organisation, leader_level="top", leader_units=[NIGHT], name="Ingen topledere"
    )
    with pytest.raises(RoundInvalid) as refused:
        open_round(nobody)
    assert refused.value.errors == [
        "Der er ingen ledere at evaluere på det valgte ledelsesniveau i de valgte enheder."
    ]


def test_the_top_leaders_instrument_is_refused_for_every_leader(signed_in, fjordby):
    with pytest.raises(RoundInvalid) as refused:
        create_round(fjordby, setup(instruments=["topleder-kompetencer"]))
    assert any(error.startswith(TOPLEDER_REFUSED) for error in refused.value.errors)
    assert "topledere eller ledere med ledere under sig" in refused.value.errors[0]

    response = signed_in.post(
        reverse("rounds:create", args=["fjordby"]),
        form_data(instruments=["topleder-kompetencer"], leader_level="all"),
    )
    assert response.status_code == 200
    assert TOPLEDER_REFUSED in response.content.decode()
    assert not Round.objects.exists()

    for level in ("top", "leaders_of_leaders"):
        response = signed_in.post(
            reverse("rounds:create", args=["fjordby"]),
            form_data(instruments=["topleder-kompetencer"], leader_level=level, name=level),
        )
        assert response.status_code == 302
    assert sorted(Round.objects.values_list("leader_level", flat=True)) == [
        "leaders_of_leaders",
        "top",
    ]


def test_a_mapping_is_not_aimed_at_a_level(fjordby):
    with pytest.raises(RoundInvalid) as refused:
        create_round(
            fjordby,
            setup(instruments=["medarbejder-digitale-kompetencer"], leader_level="top"),
        )
    assert refused.value.errors[0].startswith("En kortlægning omfatter alle medarbejdere")


def test_the_command_line_aims_a_round_at_a_level(fjordby, capsys):
    today = timezone.localdate()
    common = [
        "round",
        "create",
        "--org",
        "fjordby",
        "--instrument",
        "topleder-kompetencer",
        "--opens",
        today.isoformat(),
        "--closes",
        (today + timedelta(days=14)).isoformat(),
    ]
    with pytest.raises(SystemExit) as exit_:
        call_command(*common, "--json")
    assert exit_.value.code == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error.startswith(TOPLEDER_REFUSED)
    assert not Round.objects.exists()
    call_command(*common, "--leader-level", "leaders-of-leaders", "--json")
    assert Round.objects.get().leader_level == Round.LeaderLevel.LEADERS_OF_LEADERS


# --- Access -----------------------------------------------------------------------------------


@pytest.fixture
def cecilie(fjordby):
    fjordby.accounts_for_everyone = True
    fjordby.save(update_fields=["accounts_for_everyone"])
    sync_accounts(fjordby)
    account = Person.objects.get(organisation=fjordby, employee_id="3").user
    assert account is not None
    return set_up_user(account.email, PASSWORD)


@pytest.mark.parametrize("page", ["edit", "delete", "invitations", "preview"])
def test_only_the_organisations_hr_reaches_the_draft_pages(
    client, fjordby, fjordby_hr, other_organisation, hr, cecilie, page
):
    round_ = draft_round(fjordby)
    client.login(username=fjordby_hr.email, password=PASSWORD)
    assert client.get(url(page, round_)).status_code == 200
    other_hr = hr(other_organisation)
    client.login(username=other_hr.email, password=PASSWORD)
    assert client.get(url(page, round_)).status_code == 404
    assert client.get(url(page, round_, slug=other_organisation.slug)).status_code == 404
    if page in ("edit", "delete"):
        assert client.post(url(page, round_), form_data()).status_code == 404
    client.login(username=cecilie.email, password=PASSWORD)
    assert client.get(url(page, round_)).status_code == 404
    if page in ("edit", "delete"):
        assert client.post(url(page, round_), form_data(name="Ny")).status_code == 404
    client.logout()
    assert client.get(url(page, round_)).status_code == 302  # to the login page
    assert state(round_)[0] == "Ledelsesevaluering 2026"
    assert Round.objects.filter(pk=round_.pk).exists()
