"""Background tasks wait in the database until `omstil worker` runs them; e-mail goes by SMTP."""

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from omstil.core.tasks import send_email


def test_a_queued_email_is_sent_by_the_worker_in_burst_mode(transactional_db, smtp_server):
    result = send_email.enqueue(
        to=["leder@test.example"],
        subject="Evaluering af digital ledelse",
        text="Hej – her er dit link.",
        html="<p>Hej – her er dit link.</p>",
    )
    assert result.status == TaskResultStatus.READY
    assert smtp_server.messages == []

    call_command("worker", "--burst", verbosity=0)

    [message] = smtp_server.messages
    assert message["To"] == "leder@test.example"
    assert message["Subject"] == "Evaluering af digital ledelse"
    assert (
        message.get_body(preferencelist=("plain",)).get_content().strip()
        == "Hej – her er dit link."
    )
    assert (
        "<p>Hej – her er dit link.</p>" in message.get_body(preferencelist=("html",)).get_content()
    )
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_the_worker_in_burst_mode_exits_when_the_queue_is_empty(transactional_db):
    call_command("worker", "--burst", verbosity=0)
    assert not DBTaskResult.objects.exists()


def test_a_task_that_fails_is_recorded_as_failed_and_the_worker_goes_on(
    transactional_db, settings, smtp_server
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    send_email.enqueue(to=["a@test.example"], subject="x", text="y")
    call_command("worker", "--burst", verbosity=0)
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED


@pytest.mark.parametrize("flag", ["--burst", "--batch"])
def test_burst_and_batch_mean_the_same(transactional_db, smtp_server, flag):
    send_email.enqueue(to=["b@test.example"], subject="s", text="t")
    call_command("worker", flag, verbosity=0)
    assert len(smtp_server.messages) == 1
