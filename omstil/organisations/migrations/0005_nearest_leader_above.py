"""People in a unit without a leader get the leader of the nearest unit above that has one.

The rule changed (CONTRACT.md): before, such people had no nearest leader and were never
invited. The next HR file would set it; this sets it now for the stored organisations, so that a
round opened before the next import already gives them their voice. Rounds already opened keep
their frozen reporting lines.
"""

from django.db import migrations


def inherit(apps, schema_editor):
    Unit = apps.get_model("organisations", "Unit")
    Person = apps.get_model("organisations", "Person")
    units = {unit.pk: unit for unit in Unit.objects.all()}
    orphans = Person.objects.filter(
        active=True, is_leader=False, reports_to_employee_id="", nearest_leader_employee_id=""
    )
    for person in orphans.iterator():
        current = units.get(person.unit_id)
        while current is not None and not current.leader_employee_id:
            current = units.get(current.parent_id) if current.parent_id else None
        if current is not None and current.leader_employee_id != person.employee_id:
            Person.objects.filter(pk=person.pk).update(
                nearest_leader_employee_id=current.leader_employee_id
            )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_single_sign_on")]

    operations = [migrations.RunPython(inherit, migrations.RunPython.noop)]
