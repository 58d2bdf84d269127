"""Background delivery of a round's e-mails: idempotent, so a killed worker loses none.

Which e-mails are owed is read from the invitations themselves (not yet e-mailed; fewer reminders
sent than the round has asked for). Each e-mail is sent and marked in its own transaction with
the invitation row locked, so two workers never send the same one and a restarted worker picks up
exactly what is left. A large batch is queued as several tasks at once, so that several
workers share it (each takes the next invitation nobody holds).
"""

import logging
import smtplib
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from omstil.rounds.mail import build_message
from omstil.rounds.models import Invitation, Round

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
SQLITE_PAUSE_S = 0.05
# One delivery task per this many e-mails owed, at most SENDERS, so that up to SENDERS workers
# send a large batch together.
PER_SENDER = 500
SENDERS = 4


def _owed(round_: Round) -> Q:
    return Q(emailed_at__isnull=True) | Q(
        completed=False, reminders_sent__lt=round_.reminders_requested
    )


def _send_one(round_id: int) -> bool:
    """Send the next e-mail the round owes; False when there is none left."""
    with transaction.atomic():
        round_ = Round.objects.select_related("organisation").get(pk=round_id)
        if not round_.is_open:
            return False
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True)
            .filter(round=round_)
            .filter(_owed(round_))
            .select_related("leader")
            .order_by("pk")
            .first()
        )
        if invitation is None:
            return False
        reminder = invitation.emailed_at is not None
        changes: dict[str, object] = {"reminders_sent": round_.reminders_requested}
        if not reminder:
            changes["emailed_at"] = timezone.now()
        try:
            build_message(round_, invitation, reminder=reminder).send()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, ValueError) as exc:
            # This message will never go (a refused address, a rejected or malformed message);
            # do not let it hold up everybody else's e-mail.
            log.warning(
                "round %s: invitation %s not deliverable: %s",
                round_id,
                invitation.pk,
                type(exc).__name__,
            )
            changes["delivery_failed"] = True
            changes.setdefault("emailed_at", timezone.now())
        Invitation.objects.filter(pk=invitation.pk).update(**changes)
    return True


@task(queue_name="email")
def deliver_round_emails(round_id: int, attempt: int = 1) -> int:
    """Send every e-mail the round owes now; the number sent. Retries later if the server fails."""
    sent = 0
    try:
        while _send_one(round_id):
            sent += 1
            if connection.vendor == "sqlite":
                # SQLite has one write lock, held while each e-mail is handed over; without a
                # pause the worker would take it straight back and respondents' saves would wait
                # for the whole batch.
                time.sleep(SQLITE_PAUSE_S)
    except (smtplib.SMTPException, OSError) as exc:
        if attempt >= MAX_ATTEMPTS:
            raise
        delay = timedelta(seconds=30 * 2 ** (attempt - 1))
        log.warning("round %s: mail server failed (%s); retrying in %s", round_id, exc, delay)
        deliver_round_emails.using(run_after=timezone.now() + delay).enqueue(round_id, attempt + 1)
    log.info("round %s: %s e-mails sent", round_id, sent)
    return sent


def queue_senders(round_: Round) -> int:
    """Queue as many delivery tasks as the round's owed e-mails call for; how many."""
    owed = Invitation.objects.filter(round=round_).filter(_owed(round_)).count()
    senders = min(SENDERS, -(-owed // PER_SENDER))
    for _ in range(senders):
        deliver_round_emails.enqueue(round_.pk)
    return senders


def queue_all_owed() -> int:
    """Queue delivery for every open round that still owes e-mails (run when a worker starts);
    the number of such rounds."""
    return sum(
        1 for round_ in Round.objects.filter(status=Round.Status.OPEN) if queue_senders(round_)
    )
