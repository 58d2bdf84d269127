"""Responding: find the invitation by its token, save answers as the respondent goes, submit.

The invitation is found by `invitation_hash(token)`; the answers by `lookup_hash(token)`. Nothing
written here names the invitation, and the two are never stored side by side.
"""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from omstil.instruments.scale import parse_answer
from omstil.responses.lookup import invitation_by_hash
from omstil.responses.models import Answer, Comment, Response
from omstil.rounds import tokens
from omstil.rounds.models import Invitation, Round

MAX_COMMENT = 4000


class UnknownToken(Exception):
    """No invitation has this token (or it is not a token at all)."""


class RoundNotOpen(Exception):
    """The round is closed (or not yet open): answers can no longer be given or changed."""


class BadAnswer(Exception):
    """A posted answer names a statement that is not on the page, or a value not on the scale."""


@dataclass(frozen=True)
class Saved:
    """What a respondent has saved so far."""

    answers: dict[str, str]
    comment: str
    submitted: bool


def find_invitation(token: str) -> Invitation:
    """The invitation whose token this is, with its round and leader."""
    if not tokens.looks_like_token(token):
        raise UnknownToken
    invitation = invitation_by_hash(tokens.invitation_hash(token))
    if invitation is None:
        raise UnknownToken
    return invitation


def saved_answers(invitation: Invitation, token: str, with_comment: bool = False) -> Saved:
    """The answers saved under this token so far (empty once the round has closed)."""
    round_ = invitation.round
    if not round_.lookup_key:
        return Saved({}, "", False)
    rows = Answer.objects.filter(
        response__lookup=tokens.lookup_hash(round_.lookup_key, token)
    ).values_list("item_key", "value", "response__submitted")
    answers = {key: value for key, value, _submitted in rows}
    submitted = any(row[2] for row in rows)
    comment = ""
    if with_comment and round_.comment_field:
        row = Comment.objects.filter(
            lookup=tokens.lookup_hash(round_.lookup_key, token, "comment")
        ).first()
        comment = row.text if row else ""
    return Saved(answers, comment, submitted)


def check_answers(posted: dict[str, str], allowed: set[str]) -> dict[str, str]:
    """The posted answers, or BadAnswer if one names another statement or leaves the scale."""
    answers = {}
    for key, value in posted.items():
        if key not in allowed:
            raise BadAnswer(key)
        try:
            answers[key] = parse_answer(value)
        except ValueError:
            raise BadAnswer(value) from None
    return answers


def save_page(
    invitation: Invitation,
    token: str,
    answers: dict[str, str],
    page_keys: set[str],
    *,
    comment: str | None = None,
    submit: bool = False,
) -> None:
    """Store one page's answers (replacing earlier ones for it); with `submit`, complete."""
    for attempt in range(2):
        try:
            _save(invitation, token, answers, page_keys, comment, submit)
            return
        except IntegrityError:
            # Another tab created the response at the same moment; the second try finds it.
            if attempt:
                raise


def _status_while_saving(round_id: int) -> str:
    """The round's status, locked so that it cannot close until this save commits.

    On PostgreSQL a shared lock: respondents saving at once do not wait for one another, while
    closing (which locks the row for update) waits for them all. SQLite writes one at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status FROM {Round._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
                [round_id],
            )
            row = cursor.fetchone()
        return str(row[0]) if row else ""
    return str(Round.objects.values_list("status", flat=True).get(pk=round_id))


@transaction.atomic
def _save(
    invitation: Invitation,
    token: str,
    answers: dict[str, str],
    page_keys: set[str],
    comment: str | None,
    submit: bool,
) -> None:
    if _status_while_saving(invitation.round_id) != Round.Status.OPEN:
        raise RoundNotOpen
    round_ = invitation.round
    today = timezone.localdate()
    lookup = tokens.lookup_hash(round_.lookup_key, token)
    response = Response.objects.filter(lookup=lookup).first()
    # A respondent's first save (for most, the only one) creates what it needs in one go.
    new = response is None
    if response is None:
        response = Response.objects.create(
            round=round_,
            leader_id=invitation.leader_id,
            rater_group=invitation.rater_group,
            job_family=invitation.job_family,
            lookup=lookup,
            day=today,
            submitted=submit,
        )
    else:
        Answer.objects.filter(response=response, item_key__in=page_keys).delete()
    Answer.objects.bulk_create(
        Answer(response=response, item_key=key, value=value) for key, value in answers.items()
    )
    changes: dict[str, object] = {}
    if response.day != today:
        changes["day"] = today
    if submit and not response.submitted:
        changes["submitted"] = True
    if changes:
        Response.objects.filter(pk=response.pk).update(**changes)
    if comment is not None and round_.comment_field:
        _save_comment(invitation, token, comment.strip()[:MAX_COMMENT], submit, new=new)
    if submit and not invitation.completed:
        Invitation.objects.filter(pk=invitation.pk).update(completed=True)


def _save_comment(
    invitation: Invitation, token: str, text: str, submit: bool, *, new: bool
) -> None:
    """Store (or, when emptied, delete) the respondent's comment; `new` when nothing of theirs
    was saved before, so there is no earlier comment to replace."""
    round_ = invitation.round
    lookup = tokens.lookup_hash(round_.lookup_key, token, "comment")
    fields = {
        "round": round_,
        "leader_id": invitation.leader_id,
        "rater_group": invitation.rater_group,
        "text": text,
        "submitted": submit,
    }
    if not text:
        if not new:
            Comment.objects.filter(lookup=lookup).delete()
    elif new:
        Comment.objects.create(lookup=lookup, **fields)
    else:
        Comment.objects.update_or_create(lookup=lookup, defaults=fields)
