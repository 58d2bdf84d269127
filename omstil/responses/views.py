"""The respondent's pages: introduction, one page per theme, receipt. No account needed."""

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from omstil.core.clients import client_address, count_request
from omstil.core.middleware import chosen_language
from omstil.responses import services
from omstil.responses.fieldsets import render_fieldsets
from omstil.responses.questionnaire import Page, build_pages
from omstil.rounds.models import Invitation, minutes_for

UNKNOWN_TOKEN_LIMIT = 20  # per client address in RATE_WINDOW
RATE_WINDOW = 600


def _bad_token_key(request: HttpRequest) -> str:
    return f"omstil:bad-token:{client_address(request) or 'unknown'}"


def _over_the_limit(request: HttpRequest) -> bool:
    """Count one more unknown token from the client; whether that is more than the limit.

    Counted first and decided on the count the counting gave, so that attempts arriving at the
    same moment, at any server, are limited as if they came one by one.
    """
    return count_request(_bad_token_key(request), RATE_WINDOW) > UNKNOWN_TOKEN_LIMIT


def _language(request: HttpRequest, invitation: Invitation) -> str:
    """The respondent's language from the HR file, unless they chose another with the switch."""
    if request.COOKIES.get("omstil_language") in ("da", "en"):
        return chosen_language(request)
    return invitation.language if invitation.language in ("da", "en") else "da"


RespondentView = Callable[..., HttpResponse]


def _respondent_view(view: RespondentView) -> Callable[..., HttpResponse]:
    """Resolve the token once, the same way for every page; unknown tokens reveal nothing."""

    @never_cache
    @functools.wraps(view)
    def wrapped(request: HttpRequest, token: str, **kwargs: object) -> HttpResponse:
        # Only guessing is limited: a real link always works, whoever shares the address.
        try:
            invitation = services.find_invitation(token)
        except services.UnknownToken:
            if _over_the_limit(request):
                return render(request, "responses/rate_limited.html", status=429)
            return render(request, "responses/unknown.html", status=404)
        language = _language(request, invitation)
        request.LANGUAGE_CODE = language
        # For this request only: a worker thread serves the next request in its own language.
        with translation.override(language):
            if not invitation.round.is_open:
                response: HttpResponse = render(
                    request, "responses/closed.html", {"round": invitation.round}, status=410
                )
            else:
                response = view(request, invitation, token, language, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return wrapped


@require_http_methods(["GET", "POST"])
@_respondent_view
def start(request: HttpRequest, invitation: Invitation, token: str, language: str) -> HttpResponse:
    """Who is evaluated, how anonymity works, how long it takes; a questionnaire of one page
    follows on the same page, so that answering it takes one page, one submit and the receipt.

    POST (the start button of earlier versions of the page) goes on to the first page.
    """
    if request.method == "POST":
        return redirect("responses:page", token=token, number=1)
    pages = build_pages(invitation.round, invitation.rater_group, language)
    statements = sum(len(page.statements) for page in pages)
    context = {
        "invitation": invitation,
        "round": invitation.round,
        "leader": invitation.leader,
        "pages": len(pages),
        "statements": statements,
        "minutes": minutes_for(statements),
        "anonymity": invitation.round.anonymity_text.get(language, ""),
        "token": token,
    }
    if len(pages) == 1:
        context.update(_questions(invitation, token, pages, 1))
    return render(request, "responses/start.html", context)


def _questions(
    invitation: Invitation, token: str, pages: list[Page], number: int
) -> dict[str, object]:
    """What the statement form of page `number` shows: the statements with the answers saved."""
    current = pages[number - 1]
    last = number == len(pages)
    saved = services.saved_answers(invitation, token, with_comment=current.comment)
    # Before the last submit: what the earlier pages left unanswered, each with a way back.
    unanswered = (
        [
            (page_number, statement)
            for page_number, earlier in enumerate(pages[:-1], start=1)
            for statement in earlier.statements
            if statement.key not in saved.answers
        ]
        if last
        else []
    )
    return {
        "page": current,
        "number": number,
        "count": len(pages),
        "last": last,
        "saved": saved,
        "fieldsets": render_fieldsets(current.statements, _scale(), saved.answers),
        "unanswered": unanswered,
    }


@require_http_methods(["GET", "POST"])
@_respondent_view
def page(
    request: HttpRequest, invitation: Invitation, token: str, language: str, number: int
) -> HttpResponse:
    """One theme: a fieldset per statement; saving moves on, the last page submits."""
    pages = build_pages(invitation.round, invitation.rater_group, language)
    if not 1 <= number <= len(pages):
        return render(request, "responses/unknown.html", status=404)
    current = pages[number - 1]
    last = number == len(pages)
    if request.method == "POST":
        keys = {statement.key for statement in current.statements}
        posted = {
            key: str(value)
            for key, value in request.POST.items()
            if key not in ("csrfmiddlewaretoken", "comment")
        }
        try:
            answers = services.check_answers(posted, keys)
        except services.BadAnswer:
            return HttpResponseBadRequest(render(request, "responses/bad_request.html").content)
        comment = request.POST.get("comment") if current.comment else None
        try:
            services.save_page(invitation, token, answers, keys, comment=comment, submit=last)
        except services.RoundNotOpen:
            return render(request, "responses/closed.html", {"round": invitation.round}, status=410)
        if last:
            return redirect("responses:receipt", token=token)
        return redirect("responses:page", token=token, number=number + 1)
    return render(
        request,
        "responses/page.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "leader": invitation.leader,
            "token": token,
            **_questions(invitation, token, pages, number),
        },
    )


@require_http_methods(["GET"])
@_respondent_view
def receipt(
    request: HttpRequest, invitation: Invitation, token: str, language: str
) -> HttpResponse:
    """Thank you: the answers are in; they can be changed until the round closes.

    Whether they are in is the invitation's own mark, set in the transaction that submitted them.
    """
    return render(
        request,
        "responses/receipt.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "leader": invitation.leader,
            "token": token,
            "submitted": invitation.completed,
        },
    )


def _scale() -> list[tuple[str, str]]:
    from omstil.instruments.scale import SCALE

    return [(str(option.value), str(option.label)) for option in SCALE]
