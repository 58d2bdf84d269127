"""`omstil serve [--port P]`: the web application behind gunicorn, a production WSGI server."""

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Imported here so WhiteNoise indexes the static files after collectstatic has run.
        from omstil.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Omstil over HTTP with gunicorn (static files through WhiteNoise)."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("OMSTIL_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("OMSTIL_WORKERS", str(max(2, (os.cpu_count() or 1) + 1)))),
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("OMSTIL_THREADS", "4"))
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_false",
            dest="collectstatic",
            help="Do not collect static files before starting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Each server process keeps a pool of at most one database connection per thread,
        # unless DATABASE_POOL_SIZE says otherwise. The pool is opened in each process after
        # the fork: this one never connects.
        pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
        if isinstance(pool, dict) and "DATABASE_POOL_SIZE" not in os.environ:
            pool["max_size"] = max(1, options["threads"])
        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        _Server(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": options["threads"],
                "worker_class": "gthread",
                "accesslog": "-",
                "logger_class": "omstil.core.logging.RedactingAccessLogger",
                "timeout": 60,
                "graceful_timeout": 20,
                # No `gunicornc` control socket: its default path in $HOME is shared by every
                # instance on the host, and the thread serving it in the master is stopped and
                # restarted around each fork of a worker.
                "control_socket_disable": True,
                "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            }
        ).run()
