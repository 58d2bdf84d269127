"""Closing a round seals its responses: no more answers, and nothing left to tie them to anyone.

Closing lives with the responses because what it does is to them: unsent drafts go, every
response, answer and comment is written anew without its lookup hash, the invitations keep only
the counts of who took part, and the round's keys are wiped (docs/anonymity.md). `omstil tick`
closes the rounds whose last day has passed.
"""

import secrets
import uuid
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.lib.job_families import OTHER, coarsen
from omstil.responses.counts import store as store_counts
from omstil.responses.models import Answer, Comment, Response
from omstil.responses.vacuum import vacuum_answer_tables
from omstil.rounds.models import Invitation, Participation, Round
from omstil.rounds.participation import tally
from omstil.rounds.services import RoundInvalid

# Sent inside the closing transaction with `round` and `actor`, so that what the apps above do
# when a round closes (`reports.ready` announces the reports) commits with the closing or not at
# all.
round_closed = Signal()


@transaction.atomic
def close_round(round_: Round, *, actor: User | None = None) -> None:
    """Stop answering, wipe the round's keys and every lookup hash, drop unsent drafts."""
    round_ = (
        Round.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=round_.pk)
    )
    if round_.status != Round.Status.OPEN:
        raise RoundInvalid([_("Kun en åben runde kan lukkes.")])
    Response.objects.filter(round=round_, submitted=False).delete()
    Comment.objects.filter(round=round_, submitted=False).delete()
    rewrite_answers(round_)
    forget_who_took_part(round_)
    round_.status = Round.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.token_salt = ""
    round_.lookup_key = ""
    # The hourly counts of the open round are superseded by `Participation`.
    round_.participation_snapshot = []
    round_.participation_taken_at = None
    round_.save()
    # Counted once, here, for every report any server process makes of the round later.
    store_counts(round_)
    audit("round.close", actor=actor, organisation=round_.organisation.slug, round=round_.pk)
    round_closed.send(sender=Round, round=round_, actor=actor)
    # Old row versions of the rewritten rows go once the closing has committed.
    transaction.on_commit(vacuum_answer_tables)


def forget_who_took_part(round_: Round) -> None:
    """Keep only the counts per leader and rater group; the invitations forget who completed.

    Who took part is personal data in itself, and each invitation's completion, reminders and
    delivery would let any other attribute be joined to the responses. Every invitation is
    rewritten in the closing transaction, so that none keeps the database's record of the
    transaction that completed it (PostgreSQL's xmin), which the answers shared.
    """
    Participation.objects.bulk_create(tally(round_), batch_size=2000)
    Invitation.objects.filter(round=round_).update(
        completed=None, reminders_sent=0, emailed_at=None, delivery_failed=False
    )


def rewrite_answers(round_: Round) -> None:
    """Write a round's responses, answers and comments anew, shuffled, without lookup hashes.

    Rows written while the round was open carry traces of when and in which transaction they
    were written (PostgreSQL's transaction ids, SQLite's row order) that could line them up with
    the invitations marked completed at the same moment. New rows, in random order, with new
    random ids and the closing day, carry only the closing transaction's traces. The job
    families are coarsened once more, by who answered (`coarsen_answered_families`).
    """
    shuffle = secrets.SystemRandom().shuffle
    closing_day = timezone.localdate()
    responses = list(Response.objects.filter(round=round_))
    coarsen_answered_families(responses, round_.min_group_size)
    answers = list(Answer.objects.filter(response__round=round_))
    comments = list(Comment.objects.filter(round=round_))
    Response.objects.filter(round=round_).delete()
    Comment.objects.filter(round=round_).delete()
    new_ids = {response.pk: uuid.uuid4() for response in responses}
    shuffle(responses)
    shuffle(answers)
    shuffle(comments)
    for response in responses:
        response.pk = new_ids[response.pk]
        response.lookup = None
        response.day = closing_day
    for answer in answers:
        answer.pk = uuid.uuid4()
        answer.response_id = new_ids[answer.response_id]
    for comment in comments:
        comment.pk = uuid.uuid4()
        comment.lookup = None
    Response.objects.bulk_create(responses, batch_size=2000)
    Answer.objects.bulk_create(answers, batch_size=2000)
    Comment.objects.bulk_create(comments, batch_size=2000)


def coarsen_answered_families(responses: list[Response], minimum: int) -> None:
    """Coarsen the job families of a round's responses again, by the submitted ones.

    At opening every stored family of a team had at least `minimum` invitees; but if only one of
    them answered, the one response of that family could be matched with the one completed
    invitation. After this, every (team, rater group, family) has none or at least `minimum`
    submitted responses, unless the team had fewer than that in all.
    """
    by_team: dict[tuple[int, str], list[Response]] = defaultdict(list)
    for response in responses:
        if response.submitted:
            by_team[response.leader_id, response.rater_group].append(response)
        else:
            response.job_family = OTHER  # not counted in any figure: nothing to keep
    for team in by_team.values():
        counts: dict[str, int] = defaultdict(int)
        for response in team:
            counts[response.job_family] += 1
        stored = coarsen(counts, minimum)
        for response in team:
            response.job_family = stored[response.job_family]


def close_due_rounds(today: date | None = None) -> list[int]:
    """Close every open round whose last day has passed."""
    today = today or timezone.localdate()
    closed = []
    for round_ in Round.objects.filter(status=Round.Status.OPEN, closes_on__lt=today):
        close_round(round_)
        closed.append(round_.pk)
    return closed
