"""Rounds closed before closing kept only counts: bring them under the rule (docs/anonymity.md).

For every closed round, the counts of who took part per leader and rater group are written to
`Participation`, and the invitations forget who completed, their reminders and their delivery.
The responses are written anew, so that on PostgreSQL no row version keeps the language column
that the previous migration dropped; a VACUUM FULL then rewrites both tables, so the old row
versions are gone from the table files too; on SQLite the database file is rewritten by VACUUM
and its write-ahead log emptied.
"""

from django.db import migrations
from django.db.models import Count, F, Q


def seal_closed_rounds(apps, schema_editor):
    Round = apps.get_model("rounds", "Round")
    Invitation = apps.get_model("rounds", "Invitation")
    Participation = apps.get_model("rounds", "Participation")
    Response = apps.get_model("responses", "Response")
    for round_ in Round.objects.filter(status="closed"):
        invitations = Invitation.objects.filter(round=round_)
        if not Participation.objects.filter(round=round_).exists():
            Participation.objects.bulk_create(
                Participation(
                    round=round_,
                    leader_id=row["leader_id"],
                    rater_group=row["rater_group"],
                    invited=row["invited"],
                    completed=row["done"],
                )
                for row in invitations.order_by()
                .values("leader_id", "rater_group")
                .annotate(invited=Count("pk"), done=Count("pk", filter=Q(completed=True)))
            )
        invitations.update(completed=None, reminders_sent=0, emailed_at=None, delivery_failed=False)
        Response.objects.filter(round=round_).update(day=F("day"))


def vacuum(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (
                apps.get_model("rounds", "Invitation"),
                apps.get_model("responses", "Response"),
            ):
                cursor.execute(f"VACUUM FULL {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            # The whole file is written anew, and the write-ahead log emptied into it.
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("rounds", "0004_alter_invitation_completed_participation"),
        ("responses", "0005_remove_response_language"),
    ]

    operations = [
        migrations.RunPython(seal_closed_rounds, migrations.RunPython.noop, atomic=True),
        migrations.RunPython(vacuum, migrations.RunPython.noop),
    ]
