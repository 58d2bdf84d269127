"""`omstil worker [--queue email|files] [--burst]`: run background tasks from the database queue.

Any number of workers may run at once, on any machine that reaches the database: each task is
claimed by exactly one of them (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL).
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from omstil.rounds.tasks import queue_all_owed


class Command(DatabaseWorker):
    help = (
        "Run background tasks until stopped; with --burst, run what is queued and exit. "
        "With --queue, only the named queues (email: invitations and notices; files: zips)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Run the tasks that are queued now, then exit (same as --batch).",
        )
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="QUEUE",
            help=(
                f"Take tasks from this queue only ({', '.join(settings.TASK_QUEUES)}); "
                "repeat it, or separate with commas, for several. Default: every queue."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = [
            name.strip()
            for given in options.pop("queues") or []
            for name in given.split(",")
            if name.strip()
        ]
        unknown = sorted(set(queues) - set(settings.TASK_QUEUES))
        if unknown:
            raise CommandError(
                f"Ukendt kø: {', '.join(unknown)} (kendte: {', '.join(settings.TASK_QUEUES)}). / "
                f"Unknown queue: {', '.join(unknown)} (known: {', '.join(settings.TASK_QUEUES)})."
            )
        if queues:
            options["queue_name"] = ",".join(queues)
        elif options["queue_name"] == "default":  # db_worker's own default: take every queue
            options["queue_name"] = "*"
        # A worker killed mid-delivery leaves e-mails owed; queue them again before starting.
        queue_all_owed()
        if options.pop("burst"):
            options["batch"] = True
            options["startup_delay"] = False
        super().handle(*args, **options)
