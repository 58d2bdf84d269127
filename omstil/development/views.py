"""Dialogue pages and the development plan page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from omstil.accounts.access import acting_user
from omstil.accounts.models import User
from omstil.core.audit import audit, last_entry
from omstil.core.i18n import active_language
from omstil.core.pdf import html_to_pdf
from omstil.development import services
from omstil.development.access import (
    Role,
    get_action_of_plan,
    get_leader_for_plan,
    get_leader_for_plan_owner,
    get_round_for_follow_up,
    plan_role,
)
from omstil.development.dialogue import dialogue
from omstil.development.follow_up import (
    SORTS,
    FollowUpInvalid,
    follow_up_for,
    hr_sees_follow_up,
    record_follow_up,
    remind_missing,
    statuses,
)
from omstil.development.forms import (
    ActionForm,
    CommentForm,
    FocusForm,
    FollowUpForm,
    ProgressForm,
)
from omstil.reports.access import get_leader_for_report
from omstil.rounds.models import EvaluatedLeader


@login_required
def superior_page(request: HttpRequest) -> HttpResponse:
    """Ledere, du er overordnet for: the leaders below the user, round by round."""
    rounds = services.leaders_below_overview(acting_user(request))
    return render(request, "development/superior.html", {"rounds": rounds})


def _dialogue_context(
    viewer: User, leader: EvaluatedLeader, follow_up_form: FollowUpForm | None = None
) -> dict[str, object]:
    language = active_language()
    role = plan_role(viewer, leader)
    follow_up = follow_up_for(leader)
    if follow_up_form is None and role is not None:
        follow_up_form = FollowUpForm(
            owner=role == Role.OWNER,
            initial={
                "superior_talk_on": follow_up.superior_talk_on if follow_up else None,
                "dialogue_meeting_on": follow_up.dialogue_meeting_on if follow_up else None,
            },
        )
    return {
        **dialogue(leader.round, leader.employee_id, language, viewer),
        "leader": leader,
        "round": leader.round,
        "language": language,
        "role": role,
        "follow_up": follow_up,
        "follow_up_form": follow_up_form,
        "hr_sees_follow_up": hr_sees_follow_up(leader.round),
    }


@login_required
def dialogue_page(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    """The agenda for the talk with the superior and the guide for the employee meeting."""
    viewer = acting_user(request)
    leader = get_leader_for_report(viewer, round_id, employee_id)
    context = _dialogue_context(viewer, leader)
    form = "pdf" if request.GET.get("format") == "pdf" else "html"
    audit(
        "dialogue.view",
        actor=viewer,
        organisation=leader.round.organisation.slug,
        round=round_id,
        subject=employee_id,
        format=form,
    )
    if form == "pdf":
        with translation.override(str(context["language"])):
            html = render_to_string("development/dialogue_print.html", context)
        response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="dialog-{employee_id}.pdf"'
        return response
    return render(request, "development/dialogue.html", context)


@require_POST
@login_required
def follow_up_record(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    """The leader (both days) or a superior (the talk) records when the follow-up was held."""
    viewer = acting_user(request)
    leader, role = get_leader_for_plan(viewer, round_id, employee_id)
    form = FollowUpForm(request.POST, owner=role == Role.OWNER)
    if form.is_valid():
        try:
            record_follow_up(
                leader,
                role,
                superior_talk_on=form.cleaned_data["superior_talk_on"],
                dialogue_meeting_on=form.cleaned_data.get("dialogue_meeting_on"),
                actor=viewer,
            )
        except FollowUpInvalid as exc:
            for field, field_errors in exc.by_field.items():
                for error in field_errors:
                    form.add_error(field or None, error)
        else:
            messages.success(request, _("Opfølgningen er gemt."))
            return redirect("development:dialogue", round_id, employee_id)
    context = _dialogue_context(viewer, leader, form)
    return render(request, "development/dialogue.html", context, status=400)


def _sort_links(current: str, only_missing: bool) -> list[dict[str, str]]:
    """The follow-up list's sortable columns: each header's link (keeping the filter) and its
    aria-sort."""
    column = current.lstrip("-")
    descending = current.startswith("-")
    links = []
    for key, label in (
        ("leder", _("Leder")),
        ("enhed", _("Enhed")),
        ("samtale", _("Samtale med overordnet")),
        ("dialogmoede", _("Dialogmøde")),
        ("plan", _("Udviklingsplan")),
    ):
        active = key == column
        links.append(
            {
                "label": label,
                "query": urlencode(
                    {
                        "sort": f"-{key}" if active and not descending else key,
                        **({"vis": "mangler"} if only_missing else {}),
                    }
                ),
                "aria": ("descending" if descending else "ascending") if active else "none",
            }
        )
    return links


@login_required
def follow_up_list(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """HR's follow-up list: per leader whether each step after the report is done."""
    organisation, round_ = get_round_for_follow_up(acting_user(request), slug, round_id)
    sort = request.GET.get("sort", "enhed")
    if sort.lstrip("-") not in SORTS:
        sort = "enhed"
    shown = hr_sees_follow_up(round_)
    rows = statuses(round_, sort) if shown else []
    only_missing = request.GET.get("vis") == "mangler"
    listed = [row for row in rows if row.missing] if only_missing else rows
    if shown:
        audit(
            "follow_up.view",
            actor=acting_user(request),
            organisation=organisation.slug,
            round=round_.pk,
        )
    return render(
        request,
        "development/follow_up_list.html",
        {
            "organisation": organisation,
            "round": round_,
            "shown": shown,
            "rows": rows,
            "listed": listed,
            "only_missing": only_missing,
            "sort": sort,
            "columns": _sort_links(sort, only_missing),
            "missing": sum(1 for row in rows if row.missing),
            "done": {
                "talk": sum(1 for row in rows if row.superior_talk_on),
                "meeting": sum(1 for row in rows if row.dialogue_meeting_on),
                "plan": sum(1 for row in rows if row.plan_made),
            },
            "last_reminder": last_entry("follow_up.remind", round=round_.pk),
        },
    )


@require_POST
@login_required
def follow_up_remind(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """Remind every leader who still lacks a step of the follow-up."""
    actor = acting_user(request)
    _organisation, round_ = get_round_for_follow_up(actor, slug, round_id)
    try:
        sent = remind_missing(round_, actor=actor)
    except FollowUpInvalid as exc:
        for error in exc.errors:
            messages.error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "Påmindelsen er sendt til %(count)s leder.",
                "Påmindelsen er sendt til %(count)s ledere.",
                sent,
            )
            % {"count": sent},
        )
    return redirect("development:follow_up_list", slug, round_id)


def _plan_context(leader: EvaluatedLeader, role: Role, **forms: object) -> dict[str, object]:
    language = active_language()
    statements = services.statements(leader.round, language)
    plan = services.plan_for(leader)
    texts = {key: text for key, _theme, text in statements}
    focus = list(plan.focus.all()) if plan else []
    chosen = [point.item_key for point in focus if point.item_key]
    competence = next((point.competence for point in focus if point.competence), "")
    return {
        "leader": leader,
        "round": leader.round,
        "role": role,
        "plan": plan,
        "focus": [
            {
                "text": texts.get(point.item_key, point.item_key)
                if point.item_key
                else point.competence
            }
            for point in focus
        ],
        "actions": [
            (action, ProgressForm(initial={"progress": action.progress}, prefix=f"a{action.pk}"))
            for action in (plan.actions.all() if plan else [])
        ],
        "comments": list(plan.comments.all()) if plan else [],
        "focus_form": forms.get("focus_form")
        or FocusForm(
            initial={"items": chosen, "competence": competence},
            choices=[(key, text) for key, _theme, text in statements],
        ),
        "action_form": forms.get("action_form") or ActionForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "errors": forms.get("errors") or [],
        "hr_sees_follow_up": hr_sees_follow_up(leader.round),
    }


@login_required
def plan_page(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    leader, role = get_leader_for_plan(acting_user(request), round_id, employee_id)
    return render(request, "development/plan.html", _plan_context(leader, role))


def _refused(
    request: HttpRequest, leader: EvaluatedLeader, role: Role, errors: list[str], **forms: object
) -> HttpResponse:
    context = _plan_context(leader, role, errors=errors, **forms)
    return render(request, "development/plan.html", context, status=400)


@require_POST
@login_required
def plan_focus(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    owner = acting_user(request)
    leader = get_leader_for_plan_owner(owner, round_id, employee_id)
    language = active_language()
    choices = [(key, text) for key, _theme, text in services.statements(leader.round, language)]
    form = FocusForm(request.POST, choices=choices)
    if not form.is_valid():
        return _refused(request, leader, Role.OWNER, [], focus_form=form)
    try:
        services.set_focus(
            leader,
            form.cleaned_data["items"],
            [form.cleaned_data["competence"]],
            language,
            actor=owner,
        )
    except services.PlanInvalid as exc:
        return _refused(request, leader, Role.OWNER, exc.errors, focus_form=form)
    messages.success(request, _("Dine fokuspunkter er gemt."))
    return redirect("development:plan", round_id, employee_id)


@require_POST
@login_required
def plan_action(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    owner = acting_user(request)
    leader = get_leader_for_plan_owner(owner, round_id, employee_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _refused(request, leader, Role.OWNER, [], action_form=form)
    data = form.cleaned_data
    try:
        services.add_action(
            leader,
            data["text"],
            data["owner"],
            data["deadline"],
            actor=owner,
            benefit=data.get("benefit", ""),
        )
    except services.PlanInvalid as exc:
        return _refused(request, leader, Role.OWNER, exc.errors, action_form=form)
    messages.success(request, _("Handlingen er tilføjet."))
    return redirect("development:plan", round_id, employee_id)


@require_POST
@login_required
def plan_progress(
    request: HttpRequest, round_id: int, employee_id: str, action_id: int
) -> HttpResponse:
    owner = acting_user(request)
    leader = get_leader_for_plan_owner(owner, round_id, employee_id)
    action = get_action_of_plan(leader, action_id)
    form = ProgressForm(request.POST, prefix=f"a{action.pk}")
    if not form.is_valid():
        return _refused(request, leader, Role.OWNER, [_("Ukendt status for handlingen.")])
    services.set_progress(action, form.cleaned_data["progress"], actor=owner)
    messages.success(request, _("Status er opdateret."))
    return redirect("development:plan", round_id, employee_id)


@require_POST
@login_required
def plan_delete_action(
    request: HttpRequest, round_id: int, employee_id: str, action_id: int
) -> HttpResponse:
    owner = acting_user(request)
    leader = get_leader_for_plan_owner(owner, round_id, employee_id)
    services.delete_action(get_action_of_plan(leader, action_id), actor=owner)
    messages.success(request, _("Handlingen er slettet."))
    return redirect("development:plan", round_id, employee_id)


@require_POST
@login_required
def plan_comment(request: HttpRequest, round_id: int, employee_id: str) -> HttpResponse:
    author = acting_user(request)
    leader, role = get_leader_for_plan(author, round_id, employee_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _refused(request, leader, role, [], comment_form=form)
    try:
        services.add_comment(leader, author, form.cleaned_data["text"])
    except services.PlanInvalid as exc:
        return _refused(request, leader, role, exc.errors, comment_form=form)
    messages.success(request, _("Din kommentar er gemt."))
    return redirect("development:plan", round_id, employee_id)


@require_POST
@login_required
def write_into_plan(request: HttpRequest) -> HttpResponse:
    """ "Skriv det ind i din udviklingsplan" from the 10-bud result or a mapping's suggestion."""
    user = acting_user(request)
    competence = request.POST.get("competence", "")[:1000]
    as_action = request.POST.get("as") == "action"
    try:
        written = services.write_into_plan(user, competence, as_action=as_action)
    except services.PlanInvalid as exc:
        for error in exc.errors:
            messages.error(request, error)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("site:home")
        return redirect(back)
    if as_action:
        messages.success(request, _("Det er skrevet ind i din udviklingsplan som en handling."))
    else:
        messages.success(request, _("Det er skrevet ind i din udviklingsplan som et fokuspunkt."))
    return redirect("development:plan", written.leader.round_id, written.leader.employee_id)
