"""Pages for HR: the organisation's record of processing and draft data processing annex, on
screen and as PDF."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from omstil.accounts.access import acting_user
from omstil.core.audit import audit
from omstil.organisations.access import get_administered_organisation
from omstil.privacy.record import record_html, record_pdf


def _title(document: str) -> str:
    if document == "annex":
        return _("Udkast til bilag til databehandleraftalen")
    return _("Fortegnelse over behandlingen")


def _show(request: HttpRequest, slug: str, document: str) -> HttpResponse:
    """The document as a page, or with ?format=pdf as a PDF to download (audited)."""
    organisation = get_administered_organisation(request.user, slug)
    language = get_language() or "da"
    if request.GET.get("format") == "pdf":
        pdf = record_pdf(organisation, document, language)
        audit(
            "record.download",
            actor=acting_user(request),
            organisation=organisation.slug,
            document=document,
        )
        name = "fortegnelse" if document == "record" else "databehandleraftale-bilag"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}-{organisation.slug}.pdf"'
        return response
    body = record_html(organisation, document, language, printable=False)
    context = {"organisation": organisation, "title": _title(document), "body": body}
    return render(request, "privacy/record_page.html", context)


@require_GET
@login_required
def record(request: HttpRequest, slug: str) -> HttpResponse:
    """The record of processing (fortegnelse, GDPR art. 30)."""
    return _show(request, slug, "record")


@require_GET
@login_required
def annex(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft annex to the data processing agreement."""
    return _show(request, slug, "annex")
