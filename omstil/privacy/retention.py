"""The organisation's retention rules: reading and setting them.

Carrying them out is `omstil.privacy.expiry`, which the daily tick runs.
"""

from django.db import transaction

from omstil.accounts.models import User
from omstil.core.audit import audit
from omstil.organisations.models import Organisation
from omstil.privacy.models import DEFAULTS, RetentionPolicy


def rules_for(organisation: Organisation) -> RetentionPolicy:
    """The rules in force for the organisation (unsaved defaults when it has set none)."""
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return policy or RetentionPolicy(organisation=organisation, **DEFAULTS)


@transaction.atomic
def set_rules(
    organisation: Organisation, changes: dict[str, int], *, actor: User | None
) -> RetentionPolicy:
    """Set the rules named in `changes` (the others stay) and audit what changed."""
    unknown = set(changes) - set(DEFAULTS)
    if unknown:
        raise ValueError(sorted(unknown))
    policy, _created = RetentionPolicy.objects.select_for_update().get_or_create(
        organisation=organisation, defaults=DEFAULTS
    )
    before = policy.as_dict()
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    changed = {name: value for name, value in policy.as_dict().items() if before[name] != value}
    if changed:
        audit("retention.set", actor=actor, organisation=organisation.slug, **changed)
    return policy
