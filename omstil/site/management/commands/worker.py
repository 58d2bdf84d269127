"""`omstil worker [--burst]`: run background tasks from the database queue."""

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from omstil.rounds.tasks import queue_all_owed


class Command(DatabaseWorker):
    help = "Run background tasks until stopped; with --burst, run what is queued and exit."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--burst",
            action="store_true",
            help="Run the tasks that are queued now, then exit (same as --batch).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A worker killed mid-delivery leaves e-mails owed; queue them again before starting.
        queue_all_owed()
        if options.pop("burst"):
            options["batch"] = True
            options["startup_delay"] = False
        super().handle(*args, **options)
