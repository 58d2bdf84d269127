"""The audit log page for the organisation's administrators (HR): read, search and export it.

Nothing here changes or deletes an entry: both views answer GET only.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from omstil.accounts.access import acting_user
from omstil.core.audit import audit
from omstil.organisations.access import get_administered_organisation
from omstil.organisations.models import Organisation
from omstil.privacy import audit_log
from omstil.privacy.audit_forms import AuditSearchForm

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@login_required
def log(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's audit log, newest first, a page at a time, narrowed by the search."""
    organisation = get_administered_organisation(request.user, slug)
    form = AuditSearchForm(request.GET or None, organisation=organisation.slug)
    return _page(request, organisation, form)


def _page(request: HttpRequest, organisation: Organisation, form: AuditSearchForm) -> HttpResponse:
    valid = not form.is_bound or form.is_valid()
    criteria = form.criteria() if form.is_bound and valid else audit_log.Criteria()
    found = audit_log.entries(organisation.slug, criteria) if valid else None
    page = (
        Paginator(found, audit_log.PER_PAGE).get_page(request.GET.get("side"))
        if found is not None
        else None
    )
    shown = list(page.object_list) if page is not None else []
    names = audit_log.names_for(organisation.slug, shown)
    query = request.GET.copy()
    query.pop("side", None)
    query.pop("format", None)
    return render(
        request,
        "privacy/audit_log.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": [
                {
                    "entry": entry,
                    "at": entry.at,
                    "actor": audit_log.actor_label(entry),
                    "action": audit_log.describe(entry),
                    "details": audit_log.details(entry, names),
                }
                for entry in shown
            ],
            "query": query.urlencode(),
            "narrowed": criteria.narrowed,
        },
        status=200 if valid else 400,
    )


@require_GET
@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """The entries the search finds, all of them, as CSV or XLSX; the download is audited."""
    organisation = get_administered_organisation(request.user, slug)
    kind = request.GET.get("format", "")
    if kind not in audit_log.EXPORT_FORMATS:
        raise Http404(kind)
    form = AuditSearchForm(request.GET, organisation=organisation.slug)
    if not form.is_valid():
        return _page(request, organisation, form)
    criteria = form.criteria()
    found = audit_log.entries(organisation.slug, criteria)
    with transaction.atomic():
        body, count = audit_log.export_file(organisation.slug, found, kind)
        # What was searched for is not kept: it may be a person's name or e-mail address.
        narrowing = {"kind": criteria.event, "since": criteria.since, "through": criteria.until}
        audit(
            "audit.export",
            actor=acting_user(request),
            organisation=organisation.slug,
            format=kind,
            entries=count,
            filtered=criteria.narrowed,
            **{key: value for key, value in narrowing.items() if value},
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = (
        f'attachment; filename="revisionsspor-{organisation.slug}.{kind}"'
    )
    return response
