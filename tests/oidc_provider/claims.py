"""The claims the test provider releases: name and e-mail, and the employee number."""

from typing import Any

from oidc_provider.lib.claims import ScopeClaims


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["name"] = user.first_name
    claims["email"] = user.email
    claims["email_verified"] = True
    return claims


class EmployeeClaims(ScopeClaims):  # type: ignore[misc]
    """The employee number (kept in `last_name`) as `employee_id`, under the profile scope."""

    info_profile = ("Profile", "Your employee number.")

    def scope_profile(self) -> dict[str, Any]:
        return {"employee_id": self.user.last_name or None}
