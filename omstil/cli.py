"""The `omstil` console script: Omstil's commands, grouped, over Django's management commands."""

import os
import signal
import sys
from importlib.metadata import PackageNotFoundError, version

HELP = """\
usage: omstil COMMAND [ARGS…]

Omstil – evaluering og udvikling af digital ledelse / evaluating and developing digital leadership

Instruments (instrumenter)
  instruments list|show|validate|sync   the library of evaluation instruments

Organisations and rounds
  org import|show|list|role|sso         people and units from the HR system; HR's role; login
  round create|open|remind|close|status|list|tick|delete
                                        evaluation rounds and competence mappings
  report leader|unit ROUND …            a closed round's report (JSON)
  mapping unit ROUND UNIT_PATH          a closed competence mapping of a unit (JSON, HTML, PDF)

Personal data (persondata; docs/privacy.md)
  org retention|record|delete           retention rules, the record of processing, deleting
  person insight|delete --org SLUG ID   everything held about one person (art. 15); deleting them
  audit list --org SLUG                 the audit log: who saw or changed what
  backup -o FILE / restore FILE         a consistent copy of the database; loading it

Running Omstil
  serve [--port P]        serve the web application (gunicorn)
  worker [--queue Q] [--burst]
                          run background tasks; --queue email|files: only that queue (default:
                          every queue); --burst: run what is queued, exit
                          (several servers and workers: docs/deployment.md)
  tick                    the daily work: reminders, closing due rounds, owed e-mail, tidying up
  migrate                 bring the database up to date
  demo                    set up the demo organisation and print how to log in

Administration
  createsuperuser         create a system administrator
  user reset-2fa EMAIL    reset a user's two-factor (they set it up again at next login)
  check [--deploy]        check the configuration

Every command takes --help. `omstil help --all` lists Django's own commands as well.
Exit codes: 0 done, 1 input rejected (nothing written), 2 wrong usage.
Configuration comes from environment variables: see docs/configuration.md.
"""


def _version() -> str:
    try:
        return version("omstil")
    except PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    """Run one `omstil` command."""
    # `omstil org show | head` should stop quietly, as other command-line tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args in (["-h"], ["--help"], ["help"]):
        sys.stdout.write(HELP)
        return
    if args == ["--version"]:
        sys.stdout.write(f"omstil {_version()}\n")
        return
    if args[:2] == ["help", "--all"]:
        args = ["help"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omstil.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reads the configuration now, to report it cleanly)
    except (ImproperlyConfigured, ValueError) as exc:
        sys.stderr.write(f"omstil: {exc}\n")
        raise SystemExit(1) from None
    language = os.environ.get("OMSTIL_LANGUAGE")
    if language:
        import django
        from django.utils import translation

        django.setup()
        translation.activate(language)
    execute_from_command_line(["omstil", *args])


if __name__ == "__main__":
    main()
