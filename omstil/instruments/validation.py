"""Read an instrument file and report every problem in it as `FILE: PATH: message`."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from omstil.instruments.schema import InstrumentDocument, Kind, Role

ROOT = "$"
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class FileError:
    """One problem at one place in an instrument file."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class InstrumentFileInvalid(Exception):
    """One or more instrument files were rejected; nothing was written."""

    def __init__(self, errors: Sequence[FileError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = list(errors)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key repeated in one mapping (PyYAML keeps the last),
    and aliases (`*name`): an instrument needs none, and nested aliases make a small file expand
    to gigabytes in memory ("billion laughs")."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, _("aliasser (*navn) er ikke tilladt"), event.start_mark
            )
        return super().compose_node(parent, index)


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, _("nøglen “%(key)s” står to gange") % {"key": key}, mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)


def format_path(loc: Iterable[int | str]) -> str:
    """`("themes", 0, "items", 2, "key")` → `themes[0].items[2].key`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or ROOT


def _message(error: ErrorDetails) -> str:
    """A Danish (or English) sentence for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("mangler"),
        "extra_forbidden": _("ukendt felt"),
        "unknown_language": _("ukendt sprog: %(languages)s (kun da og en)"),
        "string_type": _("skal være en tekst"),
        "string_too_short": _("må ikke være tom"),
        "string_too_long": _("er for lang"),
        "string_pattern_mismatch": _(
            "skal være en nøgle af små bogstaver a–z, tal og bindestreger (fx “it-sikkerhed”)"
        ),
        "list_type": _("skal være en liste"),
        "dict_type": _("skal være en samling af felter"),
        "model_type": _("skal være en samling af felter"),
        "model_attributes_type": _("skal være en samling af felter"),
        "too_short": _("skal have mindst %(min_length)s element(er)"),
        "bool_type": _("skal være true eller false"),
        "bool_parsing": _("skal være true eller false"),
        "enum": _("skal være en af: %(expected)s"),
        "literal_error": _("skal være en af: %(expected)s"),
        "frozen_set_type": _("skal være en liste"),
    }
    template = messages.get(kind)
    if template is None:
        return error["msg"]
    try:
        return template % {key: str(value) for key, value in ctx.items()}
    except (KeyError, ValueError):
        return template


def _semantic_errors(
    doc: InstrumentDocument, file: str, expected_key: str | None
) -> list[FileError]:
    """Rules that span places in the file: wording for every role, unique keys, kinds."""
    errors: list[FileError] = []

    def add(path: str, message: str) -> None:
        errors.append(FileError(file, path, message))

    if expected_key is not None and doc.key != expected_key:
        add("key", _("skal være “%(name)s”, som filen hedder") % {"name": expected_key})
    if len(set(doc.roles)) != len(doc.roles):
        add("roles", _("samme rolle står flere gange"))
    roles = set(doc.roles)
    if doc.kind == Kind.SELF_ASSESSMENT and roles != {Role.SELF}:
        add("roles", _("en selvevaluering har kun rollen “self”"))
    if doc.kind == Kind.EVALUATION and Role.EMPLOYEE not in roles:
        add("roles", _("en evaluering skal have rollen “employee”"))
    for role in doc.intro:
        if role not in roles:
            add(f"intro.{role}", _("rollen “%(role)s” står ikke i roles") % {"role": role})

    theme_keys: dict[str, str] = {}
    item_keys: dict[str, str] = {}
    for t_index, theme in enumerate(doc.themes):
        theme_path = f"themes[{t_index}]"
        if theme.key in theme_keys:
            add(
                f"{theme_path}.key",
                _("temanøglen “%(key)s” er brugt før, i %(other)s")
                % {"key": theme.key, "other": theme_keys[theme.key]},
            )
        else:
            theme_keys[theme.key] = f"{theme_path}.key"
        for i_index, item in enumerate(theme.items):
            item_path = f"{theme_path}.items[{i_index}]"
            if item.key in item_keys:
                add(
                    f"{item_path}.key",
                    _("udsagnsnøglen “%(key)s” er brugt før, i %(other)s")
                    % {"key": item.key, "other": item_keys[item.key]},
                )
            else:
                item_keys[item.key] = f"{item_path}.key"
            for role in doc.roles:
                if role not in item.text:
                    add(
                        f"{item_path}.text.{role}",
                        _("mangler formulering for rollen “%(role)s”") % {"role": role},
                    )
            for role in item.text:
                if role not in roles:
                    add(
                        f"{item_path}.text.{role}",
                        _("rollen “%(role)s” står ikke i roles") % {"role": role},
                    )
    return errors


def parse_document(
    data: Any, file: str, expected_key: str | None = None
) -> tuple[InstrumentDocument | None, list[FileError]]:
    """Validate already-parsed YAML data; the document, or None and every error found."""
    if not isinstance(data, dict):
        return None, [FileError(file, ROOT, _("filen skal indeholde en samling af felter"))]
    try:
        doc = InstrumentDocument.model_validate(data)
    except ValidationError as exc:
        return None, [
            FileError(file, format_path(error["loc"]), _message(error)) for error in exc.errors()
        ]
    errors = _semantic_errors(doc, file, expected_key)
    return (None, errors) if errors else (doc, [])


def load_file(path: Path) -> tuple[InstrumentDocument | None, list[FileError]]:
    """Read and validate one instrument file; the document, or None and every error found."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            FileError(file, ROOT, _("kan ikke læses: %(reason)s") % {"reason": exc.strerror})
        ]
    if len(raw) > MAX_FILE_BYTES:
        return None, [FileError(file, ROOT, _("filen er for stor"))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [FileError(file, ROOT, _("filen er ikke gemt som UTF-8"))]
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except RecursionError:
        return None, [FileError(file, ROOT, _("ugyldig YAML: strukturen er for dybt indlejret"))]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = (
            _("linje %(line)s, kolonne %(column)s")
            % {"line": mark.line + 1, "column": mark.column + 1}
            if mark is not None
            else ROOT
        )
        return None, [FileError(file, where, _("ugyldig YAML: %(problem)s") % {"problem": problem})]
    return parse_document(data, file, expected_key=path.stem)
