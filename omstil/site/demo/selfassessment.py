"""Demo data: the demo leader's earlier self-assessments, so the change shows."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from omstil.accounts.models import User
from omstil.selfassessment import services
from omstil.selfassessment.models import SelfAssessment

# Answers in statement order, from the earliest sitting to the latest; "?" is "Ved ikke".
TI_BUD = ("3 4 2 3 2 ? 3 2 3 2", "4 4 3 3 3 3 4 2 4 3")
TOPLEDER = ("3 2 3 4 2 3 2", "4 3 3 4 3 4 3")
NOTES = {
    "relevans-og-omverden": (
        "Vi taler meget om den næste budgetaftale og for lidt om, hvad vi skal være gode til om ti "
        "år. Jeg vil tage spørgsmålet med på direktionens strategiseminar.",
        "Strategiseminaret gav et fælles billede af 2035. Næste skridt: at spørge borgerne, ikke "
        "kun hinanden.",
    ),
    "omstillingsparat-organisation": (
        "Eksperimenter bliver stadig bremset af, at alt skal passe ind i driften. Jeg mangler en "
        "pulje, der må bruges på at prøve noget.",
        "Innovationspuljen er på plads. Jeg skal blive bedre til at fortælle, hvad vi lærte af de "
        "forsøg, der ikke lykkedes.",
    ),
    "toplederens-egen-rolle": (
        "Jeg overlader for meget af IT-dagsordenen til IT-chefen. Jeg vil sætte mig ind i vores "
        "datastrategi.",
        "Jeg har deltaget i to forløb om data og AI og spørger nu selv ind til projekterne i "
        "styregrupperne.",
    ),
    "toplederens-digitale-kompetencer": (
        "Digitalisering fylder på direktionsmøderne, men mest som økonomi og risiko. Vi mangler at "
        "tale om brugerne.",
        "Brugerrejser er nu fast punkt, når vi beslutter nye digitale løsninger.",
    ),
}
DRAFT_NOTE = (
    "Vi er kommet langt med kunstig intelligens i sagsbehandlingen. Hvordan holder vi fast i "
    "borgernes tillid, når flere afgørelser får digital hjælp?"
)


@transaction.atomic
def demo_self_assessments(email: str) -> User | None:
    """Earlier self-assessments for the demo's leader login, so the change shows; a draft.

    Does nothing when there is no such user, or when the user has self-assessments already.
    """
    user = User.objects.filter(email__iexact=email).first()
    if user is None or SelfAssessment.objects.filter(owner=user).exists():
        return user
    now = timezone.now()
    _completed(user, "ti-bud", TI_BUD, [now - timedelta(days=730), now - timedelta(days=365)])
    _completed(
        user,
        "topleder-kompetencer",
        TOPLEDER,
        [now - timedelta(days=400), now - timedelta(days=35)],
    )
    _draft(user, "ti-bud")
    return user


def _completed(user: User, key: str, sittings: tuple[str, ...], days: list[datetime]) -> None:
    for sitting, (answers, when) in enumerate(zip(sittings, days, strict=True)):
        assessment = services.start_self_assessment(user, key)
        values = iter(answers.split())
        all_pages = services.pages(assessment.version, "da")
        for page in all_pages:
            services.save_page(
                assessment,
                page,
                {
                    statement.key: value if value != "?" else "dont_know"
                    for statement, value in zip(page.statements, values, strict=False)
                },
                NOTES.get(page.theme_key, ("", ""))[sitting],
                complete=page is all_pages[-1],
            )
        SelfAssessment.objects.filter(pk=assessment.pk).update(
            started_at=when, updated_at=when, completed_at=when
        )


def _draft(user: User, key: str) -> None:
    """A sitting begun this week and saved after the first page, to continue in the demo."""
    assessment = services.start_self_assessment(user, key)
    first = services.pages(assessment.version, "da")[0]
    services.save_page(
        assessment,
        first,
        {statement.key: "4" for statement in first.statements},
        DRAFT_NOTE,
    )
