"""HR's pages for rounds: list, set-up, and a round's page with its response rate and actions."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from omstil.accounts.access import acting_user
from omstil.core.audit import last_entry
from omstil.development.services import plan_counts
from omstil.organisations.access import get_administered_organisation
from omstil.organisations.models import Organisation
from omstil.responses.closing import close_round
from omstil.rounds import listcheck, services
from omstil.rounds.access import get_round_for_admin
from omstil.rounds.forms import (
    RATER_CHOICES,
    CorrectionForm,
    ListCheckForm,
    RoundForm,
    initial_from,
)
from omstil.rounds.mail import sample_messages
from omstil.rounds.models import COMPETENCE_GROUP, Round
from omstil.rounds.participation import round_overview, rounds_about_leader
from omstil.rounds.policy import units_in_scope, who_sees_what
from omstil.rounds.reminders import (
    not_answered_shown,
    proposed_reminder_dates,
    sent_reminders,
)


@login_required
def my_rounds(request: HttpRequest) -> HttpResponse:
    """A leader's own rounds and how many have answered about them, as counts."""
    user = acting_user(request)
    rows = rounds_about_leader(user)
    return render(
        request, "rounds/mine.html", {"rows": rows, "own_lists": listcheck.own_lists(user)}
    )


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_administered_organisation(request.user, slug)
    return render(
        request,
        "rounds/list.html",
        {"organisation": organisation, "rounds": organisation.rounds.all()},
    )


def _unit_choices(organisation: Organisation, chosen: list[str] | None = None) -> list[str]:
    """The units HR can limit a round to: the top three levels, and any already chosen."""
    units = list(
        organisation.units.filter(active=True, depth__lte=2).values_list("path", flat=True)
    )
    return units + [path for path in chosen or [] if path not in units]


@require_http_methods(["GET", "POST"])
@login_required
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_administered_organisation(request.user, slug)
    units = _unit_choices(organisation)
    today = timezone.localdate()
    closes_on = today + timedelta(days=21)
    initial = {
        "name": _("Ledelsesevaluering %(year)s") % {"year": today.year},
        "instruments": ["digital-omstilling"],
        "opens_on": today,
        "closes_on": closes_on,
        "min_group_size": organisation.min_group_size,
        "rater_groups": ["employee", "self", "superior"],
        "visibility": ["leader", "superior", "employee_version", "follow_up"],
        "announce_reports": True,
    }
    # Reminders a week after opening and five days later, proposed; HR changes or clears them.
    for name, day in zip(
        ("reminder_1", "reminder_2"), proposed_reminder_dates(today, closes_on), strict=False
    ):
        initial[name] = day
    if request.GET.get("kortlaegning"):
        # A mapping of the employees' own digital competences (seed 002).
        initial["name"] = _("Kortlægning af digitale kompetencer %(year)s") % {"year": today.year}
        initial["instruments"] = ["medarbejder-digitale-kompetencer"]
        initial["rater_groups"] = []
    form = RoundForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_round(organisation, form.setup(), actor=acting_user(request))
        except services.RoundInvalid as exc:
            for error in exc.errors:
                form.add_error(None, error)
        else:
            for warning in created.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Runden er oprettet som kladde."))
            return redirect("rounds:detail", slug=slug, round_id=created.round.pk)
    return render(request, "rounds/create.html", {"organisation": organisation, "form": form})


@login_required
def round_detail(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    anonymity = round_.anonymity_text or services.anonymity_text(round_)
    taken_part = round_overview(round_)
    return render(
        request,
        "rounds/detail.html",
        {
            "organisation": organisation,
            "round": round_,
            "taken_part": taken_part,
            "anonymity": anonymity,
            "groups": [str(label) for key, label in RATER_CHOICES if key in round_.rater_groups],
            "reminders": [date.fromisoformat(day) for day in round_.reminder_dates],
            "plan_counts": (
                plan_counts(round_)
                if round_.status == Round.Status.CLOSED and not round_.is_mapping
                else None
            ),
            "report_units": sorted(
                {
                    path.split(" / ")[0]
                    for path in round_.leaders.values_list("unit_path", flat=True)
                }
            ),
            "mapping": round_.is_mapping,
            "report_ready_sent": last_entry("report.ready_sent", round=round_.pk),
            "instruments": round_.instruments.select_related("version__instrument"),
            "who_sees_what": who_sees_what(round_),
            "units_in_scope": units_in_scope(round_),
            "sent_reminders": sent_reminders(
                round_, counts_shown=taken_part["total"]["completed"] is not None
            ),
            "list_check_open": listcheck.is_open(round_),
            "list_check_form": ListCheckForm(
                initial={
                    "until": round_.list_check_until
                    or max(timezone.localdate(), round_.opens_on - timedelta(days=1))
                }
            ),
            "list_corrections": list(round_.list_corrections.all()),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_remind(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """A manual reminder, confirmed: GET says how many it goes to, POST sends it."""
    organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    if request.method == "POST":
        try:
            services.request_reminder(round_, actor=acting_user(request))
        except services.RoundInvalid as exc:
            for error in exc.errors:
                messages.error(request, error)
        else:
            messages.success(
                request, _("Påmindelser bliver sendt til alle, der ikke har svaret endnu.")
            )
        return redirect("rounds:detail", slug=organisation.slug, round_id=round_.pk)
    return render(
        request,
        "rounds/remind.html",
        {
            "organisation": organisation,
            "round": round_,
            "not_answered": not_answered_shown(round_) if round_.is_open else None,
        },
    )


@require_POST
@login_required
def round_action(request: HttpRequest, slug: str, round_id: int, action: str) -> HttpResponse:
    organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    actor = acting_user(request)
    try:
        if action == "open":
            count = services.open_round(round_, actor=actor)
            messages.success(
                request,
                _("Runden er åbnet. %(count)s invitationer bliver sendt.") % {"count": count},
            )
        elif action == "remind":
            # No count here: a live number of who has not answered would tie a change to a submit.
            services.request_reminder(round_, actor=actor)
            messages.success(
                request, _("Påmindelser bliver sendt til alle, der ikke har svaret endnu.")
            )
        elif action == "close":
            close_round(round_, actor=actor)
            messages.success(request, _("Runden er lukket. Der kan ikke længere svares."))
        else:
            raise Http404(action)
    except services.RoundInvalid as exc:
        for error in exc.errors:
            messages.error(request, error)
    return redirect("rounds:detail", slug=organisation.slug, round_id=round_.pk)


def _unless_draft(
    request: HttpRequest, organisation: Organisation, round_: Round, refusal: str
) -> HttpResponse | None:
    """Back to the round's page with `refusal` when the round is no longer a draft."""
    if round_.status == Round.Status.DRAFT:
        return None
    messages.error(request, refusal)
    return redirect("rounds:detail", slug=organisation.slug, round_id=round_.pk)


@require_http_methods(["GET", "POST"])
@login_required
def round_edit(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The set-up form of a draft, filled in as it stands; saving rewrites the draft."""
    organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    refused = _unless_draft(request, organisation, round_, str(services.EDIT_REFUSED))
    if refused:
        return refused
    form = RoundForm(
        request.POST or None,
        initial=initial_from(round_),
        units=_unit_choices(organisation, round_.leader_units),
    )
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.update_round(round_, form.setup(), actor=acting_user(request))
        except services.RoundInvalid as exc:
            for error in exc.errors:
                form.add_error(None, error)
        else:
            for warning in updated.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Ændringerne i kladden er gemt."))
            return redirect("rounds:detail", slug=slug, round_id=round_.pk)
    return render(
        request, "rounds/edit.html", {"organisation": organisation, "round": round_, "form": form}
    )


@require_http_methods(["GET", "POST"])
@login_required
def round_delete(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """Asks before deleting a draft (GET), deletes it (POST)."""
    organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    refused = _unless_draft(request, organisation, round_, str(services.DELETE_REFUSED))
    if refused:
        return refused
    if request.method == "POST":
        try:
            services.delete_round(round_, actor=acting_user(request))
        except services.RoundInvalid as exc:
            for error in exc.errors:
                messages.error(request, error)
            return redirect("rounds:detail", slug=slug, round_id=round_.pk)
        messages.success(request, _("Kladden “%(name)s” er slettet.") % {"name": round_.name})
        return redirect("rounds:list", slug=slug)
    return render(
        request,
        "rounds/delete.html",
        {
            "organisation": organisation,
            "round": round_,
            "instruments": round_.instruments.select_related("version__instrument"),
            "local_statements": round_.local_statements.count(),
        },
    )


@login_required
def round_invitations(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """Before opening: each leader the draft would evaluate and how many it would invite."""
    organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    if round_.status != Round.Status.DRAFT:
        messages.info(
            request,
            _("Runden er åbnet, og invitationerne er sendt. Svarprocenten står nedenfor."),
        )
        return redirect("rounds:detail", slug=slug, round_id=round_.pk)
    plan = services.round_plan(round_)
    if round_.is_mapping:
        columns = [(COMPETENCE_GROUP, _("Medarbejdere"))]
    else:
        columns = [(key, str(label)) for key, label in RATER_CHOICES if key in round_.rater_groups]
    rows = [
        {
            "name": planned.person.name,
            "unit": planned.person.unit.path,
            "counts": [planned.count(key) for key, _label in columns],
            "total": planned.total,
            "below_minimum": planned.below_minimum and not round_.is_mapping,
        }
        for planned in plan.leaders
    ]
    totals = [sum(planned.count(key) for planned in plan.leaders) for key, _label in columns]
    return render(
        request,
        "rounds/invitations.html",
        {
            "organisation": organisation,
            "round": round_,
            "mapping": round_.is_mapping,
            "columns": [label for _key, label in columns],
            "rows": rows,
            "totals": totals,
            "total": plan.total,
        },
    )


@login_required
def round_preview(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The invitation and reminder e-mails in Danish and English, as `build_message` makes
    them, to a sample respondent with an example link; nothing is written or sent."""
    organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    samples = sample_messages(round_)
    return render(
        request,
        "rounds/preview.html",
        {
            "organisation": organisation,
            "round": round_,
            "languages": [
                {
                    "code": code,
                    "name": name,
                    "messages": [sample for sample in samples if sample.language == code],
                }
                for code, name in (("da", "Dansk"), ("en", "English"))
            ],
        },
    )


@require_POST
@login_required
def list_check_start(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """HR lets the leaders check whom the draft will ask about them, until a day."""
    _organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    form = ListCheckForm(request.POST)
    try:
        sent = listcheck.start_list_check(
            round_,
            form.cleaned_data["until"] if form.is_valid() else None,
            actor=acting_user(request),
        )
    except services.RoundInvalid as exc:
        for error in exc.errors:
            messages.error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "Lederne kan nu tjekke deres lister. %(count)s leder har fået en e-mail.",
                "Lederne kan nu tjekke deres lister. %(count)s ledere har fået en e-mail.",
                sent,
            )
            % {"count": sent},
        )
    return redirect("rounds:detail", slug=slug, round_id=round_id)


@require_POST
@login_required
def list_check_resolve(
    request: HttpRequest, slug: str, round_id: int, correction_id: int
) -> HttpResponse:
    """HR marks a leader's report about their list as dealt with."""
    _organisation, round_ = get_round_for_admin(request.user, slug, round_id)
    listcheck.resolve_correction(round_, correction_id, actor=acting_user(request))
    messages.success(request, _("Rettelsen er markeret som løst."))
    return redirect("rounds:detail", slug=slug, round_id=round_id)


@require_http_methods(["GET", "POST"])
@login_required
def list_check(request: HttpRequest, round_id: int) -> HttpResponse:
    """A leader sees whom the draft round will ask about them and reports an error."""
    user = acting_user(request)
    own = listcheck.get_own_list(user, round_id)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listcheck.report_correction(own, form.cleaned_data["text"], actor=user)
        except services.RoundInvalid as exc:
            for error in exc.errors:
                form.add_error("text", error)
        else:
            messages.success(request, _("Tak. HR har fået din besked og retter listen."))
            return redirect("list_check", round_id=round_id)
    return render(
        request,
        "rounds/list_check.html",
        {"own": own, "form": form},
        status=400 if form.errors else 200,
    )
