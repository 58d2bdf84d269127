"""The house stays straight: an app imports only its own modules and the apps below it.

The floors and the three named page compositions that reach up are described in
docs/architecture.md; this test is what keeps that page true.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "omstil"

# Bottom up. Apps on the same floor are peers and do not import each other.
FLOORS = {
    "lib": 0,
    "core": 1,
    "accounts": 2,
    "organisations": 3,
    "instruments": 4,
    "rounds": 5,
    "responses": 6,
    "reports": 7,
    "development": 8,
    "programmes": 8,
    "mapping": 8,
    "selfassessment": 8,
    "privacy": 9,
    "site": 10,
}
# The page compositions that may reach up, each as (importing module, imported module, name).
EXCEPTIONS = {
    # The Close action on the round page and `omstil round close`: closing seals the responses.
    ("omstil.rounds.views", "omstil.responses.closing", "close_round"),
    ("omstil.rounds.management.commands.round", "omstil.responses.closing", "close_round"),
    # The round page shows how many leaders have made a plan (counts only).
    ("omstil.rounds.views", "omstil.development.services", "plan_counts"),
    # The leader report shows the plan links and the previous round's plan, in one call.
    ("omstil.reports.views", "omstil.development.services", "report_panel"),
}


def _modules() -> list[tuple[str, Path]]:
    return [
        (".".join(("omstil", *path.relative_to(PACKAGE).with_suffix("").parts)), path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "__init__.py" or path.parent != PACKAGE
    ]


def _imports(path: Path) -> list[tuple[str, str]]:
    """Every (module, name) imported anywhere in the file, inside functions included."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.extend((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names)
    return found


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "omstil" else None


def _upward_imports() -> set[tuple[str, str, str]]:
    upward = set()
    for module, path in _modules():
        app = _app(module)
        if app is None:
            continue  # settings, urls, cli, wsgi: the project's frame, above every app
        for imported, name in _imports(path):
            other = _app(imported) or (name if imported == "omstil" else None)
            if other is None or other == app:
                continue
            if FLOORS[other] > FLOORS[app] or FLOORS[other] == FLOORS[app]:
                upward.add((module, imported, name))
    return upward


def test_every_app_has_a_floor():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert apps - {"locale", "templates"} == set(FLOORS)


def test_no_app_imports_an_app_above_it_or_beside_it_but_the_named_compositions():
    assert _upward_imports() - EXCEPTIONS == set()


def test_every_named_composition_is_still_needed():
    # A composition no longer used comes off the list, so the list says what the code does.
    assert EXCEPTIONS - _upward_imports() == set()


@pytest.mark.parametrize("floor", ["lib", "core"])
def test_the_ground_floors_import_no_domain_app(floor):
    for module, path in _modules():
        if _app(module) != floor:
            continue
        for imported, name in _imports(path):
            other = _app(imported) or (name if imported == "omstil" else None)
            assert other in (None, "lib", floor), f"{module} imports {imported}"


def test_lib_knows_nothing_of_django():
    for module, path in _modules():
        if _app(module) == "lib":
            assert not any(imported.startswith("django") for imported, _ in _imports(path)), module
