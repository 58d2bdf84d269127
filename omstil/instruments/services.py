"""Load the instrument library into the database and read it back out (for pages, CLI, API)."""

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from omstil.core.i18n import localized
from omstil.instruments import scale
from omstil.instruments.models import Instrument, InstrumentVersion, Item, Theme
from omstil.instruments.schema import InstrumentDocument
from omstil.instruments.validation import FileError, InstrumentFileInvalid, load_file

SyncAction = Literal["created", "new_version", "unchanged"]


@dataclass(frozen=True)
class SyncResult:
    """What a sync did with one instrument file."""

    key: str
    version: int
    action: SyncAction
    file: str


# A guide's audience as its address names it, and the guide in the instrument file.
GUIDE_AUDIENCES = {"leder": "leader", "organisation": "organisation"}


def guide_links(versions: Iterable[InstrumentVersion], audience: str) -> list[dict[str, str]]:
    """Each version's guide for `audience` ("leder" or "organisation"): title and address."""
    part = GUIDE_AUDIENCES[audience]
    return [
        {
            "title": localized(version.document["guides"][part]["title"]),
            "url": reverse(
                "instruments:version_guide",
                args=[version.instrument.key, version.number, audience],
            ),
        }
        for version in versions
        if part in version.document.get("guides", {})
    ]


def library_files(paths: Iterable[Path] | None = None) -> list[Path]:
    """The files named (a directory means its `*.yaml`), or else the shipped library."""
    chosen = list(paths) if paths else [Path(settings.INSTRUMENT_LIBRARY_DIR)]
    files: list[Path] = []
    for path in chosen:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


def validate_files(files: Sequence[Path]) -> list[tuple[Path, InstrumentDocument]]:
    """Every file parsed; raises InstrumentFileInvalid with every error of every file."""
    documents: list[tuple[Path, InstrumentDocument]] = []
    errors: list[FileError] = []
    seen: dict[str, Path] = {}
    for file in files:
        doc, file_errors = load_file(file)
        errors.extend(file_errors)
        if doc is None:
            continue
        if doc.key in seen:
            errors.append(
                FileError(
                    str(file),
                    "key",
                    _("instrumentet “%(key)s” findes også i %(other)s")
                    % {"key": doc.key, "other": seen[doc.key]},
                )
            )
            continue
        seen[doc.key] = file
        documents.append((file, doc))
    if errors:
        raise InstrumentFileInvalid(errors)
    return documents


def document_json(doc: InstrumentDocument) -> dict[str, Any]:
    """The document as plain JSON data, keys as in the file."""
    return doc.model_dump(mode="json", by_alias=True, exclude_defaults=False)


def digest_of(data: dict[str, Any]) -> str:
    """A stable fingerprint of a document: equal content, equal digest."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _store_version(
    instrument: Instrument,
    number: int,
    doc: InstrumentDocument,
    data: dict[str, Any],
    digest: str,
    file: Path,
) -> InstrumentVersion:
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=number,
        digest=digest,
        document=data,
        kind=doc.kind.value,
        aggregate_only=doc.aggregate_only,
        roles=[role.value for role in doc.roles],
        title=doc.title.model_dump(),
        source_file=str(file.name),
    )
    position = 0
    for theme_position, theme in enumerate(doc.themes):
        theme_row = Theme.objects.create(
            version=version,
            key=theme.key,
            position=theme_position,
            title=theme.title.model_dump(),
            content=theme.model_dump(mode="json", exclude={"key", "title", "items"}),
        )
        items = []
        for item in theme.items:
            items.append(
                Item(
                    version=version,
                    theme=theme_row,
                    key=item.key,
                    position=position,
                    text={role.value: text.model_dump() for role, text in item.text.items()},
                    heading=item.heading.model_dump() if item.heading else {},
                )
            )
            position += 1
        Item.objects.bulk_create(items)
    return version


def sync_library(paths: Iterable[Path] | None = None) -> list[SyncResult]:
    """Bring the database in step with the instrument files: all of them, or none if one is bad.

    An unchanged file is left alone; a changed one becomes a new version beside the old.
    """
    files = library_files(paths)
    documents = validate_files(files)
    results: list[SyncResult] = []
    with transaction.atomic():
        for file, doc in documents:
            data = document_json(doc)
            digest = digest_of(data)
            instrument, created = Instrument.objects.get_or_create(key=doc.key)
            latest = instrument.latest_version() if not created else None
            if latest is not None and latest.digest == digest:
                results.append(SyncResult(doc.key, latest.number, "unchanged", str(file)))
                continue
            number = 1 if latest is None else latest.number + 1
            _store_version(instrument, number, doc, data, digest, file)
            action: SyncAction = "created" if latest is None else "new_version"
            results.append(SyncResult(doc.key, number, action, str(file)))
    return results


def latest_versions() -> list[InstrumentVersion]:
    """The newest version of every instrument, with its number of statements."""
    newest = (
        InstrumentVersion.objects.filter(instrument=OuterRef("instrument"))
        .order_by("-number")
        .values("number")[:1]
    )
    return list(
        InstrumentVersion.objects.filter(number=Subquery(newest))
        .select_related("instrument")
        .annotate(item_count=Count("items"))
        .order_by("instrument__key")
    )


def get_version(key: str, number: int | None = None) -> InstrumentVersion:
    """One version of an instrument (the newest when `number` is None); DoesNotExist otherwise."""
    versions = InstrumentVersion.objects.select_related("instrument").filter(instrument__key=key)
    if number is None:
        newest = versions.aggregate(newest=Max("number"))["newest"]
        if newest is None:
            raise InstrumentVersion.DoesNotExist(key)
        number = newest
    return versions.get(number=number)


def list_json() -> list[dict[str, Any]]:
    """`omstil instruments list --json`: key, version, title and number of statements."""
    return [
        {
            "key": version.instrument.key,
            "version": version.number,
            "title": localized(version.title),
            "items": version.item_count,  # type: ignore[attr-defined]
            "kind": version.kind,
            "roles": version.roles,
        }
        for version in latest_versions()
    ]


def show_json(version: InstrumentVersion) -> dict[str, Any]:
    """`omstil instruments show KEY --json`: the instrument, its themes, guides and items."""
    doc = version.document
    themes = list(version.themes.all())
    theme_keys = {theme.pk: theme.key for theme in themes}
    return {
        "key": version.instrument.key,
        "version": version.number,
        "digest": version.digest,
        "kind": version.kind,
        "aggregate_only": version.aggregate_only,
        "roles": version.roles,
        "title": version.title,
        "summary": doc["summary"],
        "source": doc["source"],
        "question": doc["question"],
        "intro": doc["intro"],
        "scale": scale.as_json(),
        "themes": [{"key": theme.key, "title": theme.title, **theme.content} for theme in themes],
        "items": [
            {"key": item.key, "theme": theme_keys[item.theme_id], "text": item.text}
            for item in version.items.all()
        ],
        "guides": doc["guides"],
    }
