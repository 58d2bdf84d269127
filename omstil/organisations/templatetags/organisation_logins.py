"""`{% organisation_logins next %}`: the login page's buttons for each organisation's own login.

A template tag, so that the login page (in accounts, a floor below) can show them without
accounts importing organisations.
"""

from typing import Any

from django import template

from omstil.organisations.sso import organisations_with_single_sign_on

register = template.Library()


@register.inclusion_tag("organisations/signin/_organisation_logins.html")
def organisation_logins(next_url: str = "") -> dict[str, Any]:
    return {"organisations": list(organisations_with_single_sign_on()), "next": next_url}
