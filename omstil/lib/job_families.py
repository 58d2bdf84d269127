"""Coarsening job families (faggrupper) so that a stored family never singles out a small group.

A mapping round stores each respondent's job family beside their answers. Within one team (the
people with the same nearest leader) a family is kept only when at least `minimum` people of the
team have it, and the team's "other" (blank) is then either empty or at least `minimum` people
too; otherwise the smallest families are merged into "other" until that holds. No Django here.
"""

from collections.abc import Mapping

OTHER = ""


def coarsen(counts: Mapping[str, int], minimum: int) -> dict[str, str]:
    """Each family of one team mapped to itself or to OTHER, given how many people have it.

    Afterwards every kept family has at least `minimum` people and OTHER has none or at least
    `minimum`, unless the whole team has fewer than `minimum` people (then all is OTHER).
    """
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    kept = {family: n for family, n in counts.items() if family != OTHER and n > 0}
    other = max(counts.get(OTHER, 0), 0)
    for family in [family for family, n in kept.items() if n < minimum]:
        other += kept.pop(family)
    while 0 < other < minimum and kept:
        # The smallest family goes first (ties: by name, so the result does not depend on order).
        smallest = min(kept, key=lambda family: (kept[family], family))
        other += kept.pop(smallest)
    return {family: family if family in kept else OTHER for family in counts}


def normalise(job_family: str) -> str:
    """A job family as it is compared and stored: surrounding spaces removed."""
    return " ".join(job_family.split())
