"""The organisation's retention rules: reading and setting them.

Carrying them out is `omstil.privacy.expiry`, which the daily tick runs.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def rules_text(policy: RetentionPolicy) -> list[str]:
    """The rules in force, in plain words: what goes when."""
    leavers = (
        ngettext(
            "Personer, der ikke længere står i HR-filen, slettes %(n)s måned efter.",
            "Personer, der ikke længere står i HR-filen, slettes %(n)s måneder efter.",
            policy.leavers_months,
        )
        if policy.leavers_months
        else _("Personer, der ikke længere står i HR-filen, slettes ved næste daglige kørsel.")
    )
    invitations = (
        ngettext(
            "Invitationerne, med navne og e-mailadresser, slettes %(n)s dag efter, at runden er "
            "lukket; kun antallet af inviterede og besvarelser bliver.",
            "Invitationerne, med navne og e-mailadresser, slettes %(n)s dage efter, at runden er "
            "lukket; kun antallet af inviterede og besvarelser bliver.",
            policy.invitation_days,
        )
        if policy.invitation_days
        else _(
            "Invitationerne, med navne og e-mailadresser, slettes ved første daglige kørsel "
            "efter, at runden er lukket; kun antallet af inviterede og besvarelser bliver."
        )
    )
    answers = (
        ngettext(
            "En lukket runde slettes med svar, rapporter og udviklingsplaner %(n)s år efter, at "
            "den blev lukket – dog først, når ingen nyere runde, der stadig gemmes, viser dens "
            "tal.",
            "En lukket runde slettes med svar, rapporter og udviklingsplaner %(n)s år efter, at "
            "den blev lukket – dog først, når ingen nyere runde, der stadig gemmes, viser dens "
            "tal.",
            policy.answers_years,
        )
        if policy.answers_years
        else _(
            "En lukket runde slettes med svar, rapporter og udviklingsplaner ved næste daglige "
            "kørsel – dog først, når ingen nyere runde, der stadig gemmes, viser dens tal."
        )
    )
    audit_log = (
        ngettext(
            "Revisionssporet gemmes i %(n)s år.",
            "Revisionssporet gemmes i %(n)s år.",
            policy.audit_years,
        )
        if policy.audit_years
        else _("Revisionssporet slettes ved næste daglige kørsel.")
    )
    values = {
        "leavers": policy.leavers_months,
        "invitations": policy.invitation_days,
        "answers": policy.answers_years,
        "audit": policy.audit_years,
    }
    return [
        text % {"n": values[kind]} if "%(n)s" in text else text
        for kind, text in (
            ("leavers", leavers),
            ("invitations", invitations),
            ("answers", answers),
            ("audit", audit_log),
        )
    ]
