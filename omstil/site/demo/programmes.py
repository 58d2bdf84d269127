"""The demo organisation's competence programme, between its two closed rounds.

Inspired by Albertslund Kommune's programme in digital leadership (seed 004), for a first group
of the organisation's leaders, so that the other leaders form the comparison group.
"""

import random
from datetime import date

from omstil.organisations.models import Organisation
from omstil.programmes.services import (
    ModuleSetup,
    ProgrammeSetup,
    add_module,
    create_programme,
    set_attendance,
)
from omstil.rounds.models import EvaluatedLeader, Round

# How much further the participants' level moves in the simulated answers of the follow-up
# round than the other leaders' does, so the demo has an effect to show.
PARTICIPANT_SHIFT = 0.35
SHARE_TAKING_PART = 0.4
CHANCE_OF_ATTENDING = 0.85

MODULES = [
    (
        (9, 15),
        "Hvad er digital ledelse?",
        "Digital ledelse som samspillet mellem ledelse, IT, mennesker, processer og opgaver. "
        "Hvorfor digitaliseringen er en katalysator for bedre service, og hvad den kræver af "
        "lederrollen – på linje med økonomisk ledelse og personaleledelse.",
    ),
    (
        (10, 20),
        "Digitalisering af eget fagområde",
        "Hvor giver det mening at løse kerneopgaven på nye, smartere måder? Hver deltager tager "
        "et konkret eksempel med fra egen enhed og lægger en plan for det.",
    ),
    (
        (11, 24),
        "Digitalisering på tværs",
        "De fællesoffentlige og kommunale initiativer, og hvordan man tænker digitalisering på "
        "tværs af fagområder sammen med andre ledere.",
    ),
    (
        (1, 19),
        "Medarbejdernes digitale kompetencer",
        "At efterspørge de relevante kompetencer hos medarbejderne og tage medansvar for, at alle "
        "bruger digitaliseringen til at løse kerneopgaverne endnu bedre. Opsamling på forløbet.",
    ),
]

# The elements of digital leadership (seed 004) each module works with, in MODULES' order.
ELEMENTS = [
    ["ledelse", "it", "mennesker", "processer", "opgaver"],
    ["ledelse", "processer", "opgaver"],
    ["ledelse", "it", "processer"],
    ["ledelse", "mennesker"],
]


def add_demo_programme(organisation: Organisation, follow_up: Round) -> dict[str, float]:
    """A programme between the latest closed round before `follow_up` and `follow_up`.

    Returns the participants' extra shift for `simulate_answers` in the follow-up round; empty
    (and no programme) when there is no closed round before it.
    """
    baseline = (
        Round.objects.filter(
            organisation=organisation,
            kind=Round.Kind.EVALUATION,
            status=Round.Status.CLOSED,
            opens_on__lt=follow_up.opens_on,
        )
        .order_by("-opens_on", "-pk")
        .first()
    )
    if baseline is None:
        return {}
    leaders = sorted(
        EvaluatedLeader.objects.filter(round=baseline, person__active=True).values_list(
            "employee_id", flat=True
        )
    )
    rng = random.Random(f"programme:{organisation.slug}")  # noqa: S311 (fictive data)
    chosen = sorted(rng.sample(leaders, round(len(leaders) * SHARE_TAKING_PART)))
    year = baseline.opens_on.year
    programme = create_programme(
        organisation,
        ProgrammeSetup(
            name=f"Digital ledelse – hold 1 ({year}/{year + 1})",
            starts_on=date(year, 9, 1),
            ends_on=date(year + 1, 1, 31),
            description=(
                "Et kompetenceudviklingsforløb i digital ledelse for en første gruppe af "
                "kommunens ledere. Forløbet skal styrke ledernes digitale mindset og kompetencer, "
                "så de tager initiativ til at digitalisere eget fagområde, hvor det giver mening, "
                "og tænker digitalisering på tværs af fagområder."
            ),
            participants=chosen,
            baseline_round=baseline.pk,
            follow_up_round=follow_up.pk,
        ),
    )
    for ((month, day), title, content), elements in zip(MODULES, ELEMENTS, strict=True):
        module = add_module(
            programme,
            ModuleSetup(
                title=title,
                held_on=date(year if month > 6 else year + 1, month, day),
                content=content,
                elements=elements,
            ),
        )
        set_attendance(module, [eid for eid in chosen if rng.random() < CHANCE_OF_ATTENDING])
    return dict.fromkeys(chosen, PARTICIPANT_SHIFT)
