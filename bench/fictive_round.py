"""A closed round of a generated organisation, its answers written straight into the tables.

For the benchmarks that start from a closed round (report figures, report PDFs): answering
through the real service takes minutes at region size, and the responding path has a benchmark
of its own (bench/responding_load.py). Needs Django set up.
"""

import random
import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

COMMENT_PARTS = [
    "Du er god til at forklare, hvorfor vi skal bruge de nye systemer.",
    "Jeg savner mere tid til at lære de digitale værktøjer ordentligt.",
    "Tak for at du lytter, når noget ikke virker.",
    "Vi kunne godt bruge flere fælles møder om, hvad digitaliseringen betyder for borgerne.",
    "Det er ikke altid tydeligt, hvem der beslutter, hvilke løsninger vi skal bruge.",
    "Du viser selv vejen og prøver nye ting af først.",
    "IT-sikkerhed bliver nævnt, men sjældent fulgt op.",
]


def answered_round(
    employees: int,
    *,
    instruments: Sequence[str] = ("digital-omstilling",),
    keys: Sequence[str] | None = None,
    comments: bool = False,
) -> Any:
    """A closed round for an organisation of `employees`, with answers from 80 % of the
    invitations – to `keys`, or to every statement the employees are asked – and, with
    `comments`, a comment from 70 % of the employees who answered."""
    from omstil.organisations.models import Organisation
    from omstil.organisations.services import import_people
    from omstil.responses.closing import close_round
    from omstil.responses.models import Answer, Comment, Response
    from omstil.responses.questionnaire import build_pages
    from omstil.rounds.models import Invitation, Round
    from omstil.rounds.services import RoundSetup, create_round, open_round
    from omstil.site.demo.organisation import generate, to_csv

    slug = f"bench-{employees}"
    import_people(slug, to_csv(generate(employees, seed=employees)), name=f"Bench {employees}")
    round_ = create_round(
        Organisation.objects.get(slug=slug),
        RoundSetup(
            name="Bench",
            instruments=list(instruments),
            opens_on=date.today(),
            closes_on=date.today() + timedelta(days=7),
            comment_field=comments,
        ),
    ).round
    open_round(round_)
    if keys is None:
        keys = [
            statement.key
            for page in build_pages(round_, "employee", "da")
            for statement in page.statements
        ]
    rng = random.Random(employees)  # noqa: S311 (fictive answers)
    responses, answers, written = [], [], []
    for invitation in Invitation.objects.filter(round=round_).values("leader_id", "rater_group"):
        if rng.random() > 0.8:
            continue
        response = Response(
            id=uuid.uuid4(),
            round=round_,
            leader_id=invitation["leader_id"],
            rater_group=invitation["rater_group"],
            submitted=True,
            day=date.today(),
        )
        responses.append(response)
        for key in keys:
            value = rng.choice(["1", "2", "3", "4", "4", "5", "5", "dont_know"])
            answers.append(Answer(id=uuid.uuid4(), response=response, item_key=key, value=value))
        if comments and invitation["rater_group"] == "employee" and rng.random() < 0.7:
            text = " ".join(rng.sample(COMMENT_PARTS, rng.randint(1, 3)))
            written.append(
                Comment(
                    id=uuid.uuid4(),
                    round=round_,
                    leader_id=invitation["leader_id"],
                    rater_group="employee",
                    text=text,
                    submitted=True,
                )
            )
    Response.objects.bulk_create(responses, batch_size=5000)
    Answer.objects.bulk_create(answers, batch_size=5000)
    Comment.objects.bulk_create(written, batch_size=5000)
    close_round(round_)
    return Round.objects.get(pk=round_.pk)
