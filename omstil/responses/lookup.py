"""Finding an invitation by its token hash with SQL compiled once per process.

Every respondent request starts here, and building the same query (the invitation with its
round and leader) anew each time was about half of a responding request's Python time
(docs/performance.md). The query is compiled once per database, and each row is turned into the
same model objects Django's own query would make – with the same converters and related-object
populators – so callers cannot tell the difference (`tests/test_responding.py` compares them).
"""

import functools
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import FETCH_ONE
from django.db.models.query import get_related_populators

from omstil.rounds.models import Invitation

_MARK = "token-hash"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    init_list: list[str]
    start: int
    end: int
    converters: list[tuple[int, tuple[list[Any], Any]]]
    populators: list[Any]
    fetch_mode: Any


@functools.cache
def _compiled(alias: str) -> _Compiled:
    queryset = (
        Invitation.objects.using(alias).select_related("round", "leader").filter(token_hash=_MARK)
    )
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if list(params) != [_MARK]:
        raise RuntimeError(f"the invitation lookup has parameters {params!r}")
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    fetch_mode = FETCH_ONE  # what a queryset fetches with unless told otherwise
    return _Compiled(
        sql=sql,
        init_list=[column[0].target.attname for column in select[start:end]],
        start=start,
        end=end,
        converters=list(compiler.get_converters([column[0] for column in select]).items()),
        populators=get_related_populators(klass_info, select, alias, fetch_mode),
        fetch_mode=fetch_mode,
    )


def invitation_by_hash(token_hash: str, alias: str = "default") -> Invitation | None:
    """The invitation with this token hash, its round and leader loaded with it; or None."""
    compiled = _compiled(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, [token_hash])
        found = cursor.fetchone()
    if found is None:
        return None
    row = list(found)
    for position, (converters, expression) in compiled.converters:
        value = row[position]
        for converter in converters:
            value = converter(value, expression, connection)
        row[position] = value
    invitation = Invitation.from_db(
        alias,
        compiled.init_list,
        row[compiled.start : compiled.end],
        fetch_mode=compiled.fetch_mode,
    )
    for populator in compiled.populators:
        populator.populate(row, invitation)
    return invitation
