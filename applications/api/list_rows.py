"""The application list, rendered straight from database rows in one statement.

Listing 100 applications through ``ApplicationListSerializer`` spent most of its time
building four model instances per row and running a DecimalField per amount; then three
statements (count, page ids, page rows) cost three ORM compilations and round trips. Now
the ORM compiles only the filtered, permission-restricted id list (``restrict``, the
filters), and one hand-written statement around it returns the total and the page's rows,
the way ``bench/floor_app.py`` does. Amounts come back as text (numeric(15,2) prints with
its two places), timestamps as UTC wall times that Python puts in the current time zone;
``tests/applications/test_list_rows.py`` holds the output equal to the serializer's, which
stays the schema and the representation of a single application.
"""

import datetime as dt
from collections.abc import Sequence
from functools import cache, lru_cache
from json.encoder import encode_basestring

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils import timezone

from applications.choices import BUDGET_CATEGORIES, DIRECT_BUDGET_CATEGORIES
from applications.models import Application

_BUDGET = tuple(name for name, _ in BUDGET_CATEGORIES)
_DIRECT = tuple(DIRECT_BUDGET_CATEGORIES)
_TIMESTAMPS = ("submitted_at", "response_due_at", "created_at", "updated_at")
_ISO_UTC = "'YYYY-MM-DD\"T\"HH24:MI:SS.US'"


def _table(model) -> str:
    return connections["default"].ops.quote_name(model._meta.db_table)


def _col(name: str, alias: str = "a") -> str:
    return f'{alias}."{Application._meta.get_field(name).column}"'


def _utc(name: str) -> str:
    # A UTC wall time as fixed-format text: no dependence on the session's DateStyle or
    # TimeZone, and Python does the one conversion that matters (to the current zone).
    return f"to_char({_col(name)} AT TIME ZONE 'UTC', {_ISO_UTC})"


def _money_sum(names) -> str:
    return "(" + " + ".join(_col(n) for n in names) + ")::text"


@cache
def _select_list() -> str:
    budget = [f"{_col('budget_' + n)}::text" for n in _BUDGET]
    direct = [f"budget_{n}" for n in _DIRECT]
    return ", ".join([
        _col("id"), _col("opportunity_id"), "o.number", _col("organization_id"), "g.legal_name",
        _col("project_id"), "p.name", _col("title"), _col("instrument"),
        f"{_col('federal_amount_requested')}::text", f"{_col('cost_share_amount')}::text",
        f"(COALESCE({_col('federal_amount_requested')}, 0) + COALESCE({_col('cost_share_amount')}, 0))::text",
        _col("period_start"), _col("period_end"), _col("summary"), _col("status"),
        *(_utc(name) for name in _TIMESTAMPS),
        *budget, _money_sum(direct), _money_sum([*direct, "budget_indirect"]),
    ])


def _order_terms(queryset) -> list[tuple[str, bool]]:
    """(field name, descending) of the queryset's ordering: plain columns of the application
    (the API orders by created_at, submitted_at, federal_amount_requested, then id)."""
    names = list(queryset.query.order_by) or list(Application._meta.ordering)
    terms = []
    for name in names:
        if not isinstance(name, str) or "__" in name or name.lstrip("-") == "?":
            raise ValueError(f"The application list cannot order by {name!r}.")
        field = "id" if name.lstrip("-") == "pk" else name.lstrip("-")
        Application._meta.get_field(field)  # unknown names fail here, not in SQL
        terms.append((field, name.startswith("-")))
    return terms


_HOUR = dt.timedelta(hours=1)
_fromiso = dt.datetime.fromisoformat


@lru_cache(maxsize=8192)
def _hour_offset(zone, hour: str) -> tuple[dt.timedelta, str] | None:
    """The zone's UTC offset throughout one UTC hour ("YYYY-MM-DDTHH") and its ISO suffix
    as DRF writes it ("Z" for UTC); None when the offset changes within that hour."""
    start = _fromiso(hour + ":00").replace(tzinfo=dt.UTC)
    first = start.astimezone(zone)
    offset = first.utcoffset()
    if (start + _HOUR - dt.timedelta(microseconds=1)).astimezone(zone).utcoffset() != offset:
        return None
    suffix = first.isoformat()[19:]
    return offset, "Z" if suffix == "+00:00" else suffix


@lru_cache(maxsize=8192)
def _local_hour(zone, hour: str) -> tuple[str, str] | None:
    """The local "YYYY-MM-DDTHH" of one UTC hour and the ISO suffix, when the zone's offset is
    whole hours all that hour: then minutes, seconds and fraction are the UTC text's own."""
    known = _hour_offset(zone, hour)
    if known is None or known[0] % _HOUR:
        return None
    return (_fromiso(hour + ":00") + known[0]).isoformat()[:13], known[1]


def _datetime(text: str | None, zone) -> str | None:
    """A UTC wall time ("YYYY-MM-DDTHH:MM:SS.ffffff") as DRF's DateTimeField writes it in
    ``zone``: isoformat() drops a zero fraction and adds the offset. The local hour is looked
    up once per UTC hour; the rest is string slicing (no datetime per value)."""
    if text is None:
        return None
    local = _local_hour(zone, text[:13])
    if local is not None:
        rest = text[13:]
        return local[0] + (rest[:-7] if rest.endswith(".000000") else rest) + local[1]
    known = _hour_offset(zone, text[:13])
    if known is None:
        value = _fromiso(text).replace(tzinfo=dt.UTC).astimezone(zone).isoformat()
        return value[:-6] + "Z" if value.endswith("+00:00") else value
    offset, suffix = known
    return (_fromiso(text) + offset).isoformat() + suffix


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


_B0 = 20  # index of the first budget column (after 16 fields and 4 timestamps)


def _row(r: tuple, zone) -> dict:
    budget = dict(zip(_BUDGET, r[_B0:_B0 + len(_BUDGET)], strict=True))
    budget["total_direct"], budget["total"] = r[_B0 + len(_BUDGET):]
    return {
        "id": r[0], "opportunity": r[1], "opportunity_number": r[2], "organization": r[3],
        "organization_name": r[4], "project": r[5], "project_name": r[6], "title": r[7],
        "instrument": r[8], "federal_amount_requested": r[9], "cost_share_amount": r[10],
        "total_project_cost": r[11], "period_start": _date(r[12]), "period_end": _date(r[13]),
        "summary": r[14], "budget": budget, "status": r[15], "submitted_at": _datetime(r[16], zone),
        "response_due_at": _datetime(r[17], zone), "created_at": _datetime(r[18], zone),
        "updated_at": _datetime(r[19], zone),
    }


# The page as JSON text, straight from the rows: the same bytes DRF's JSONRenderer writes for
# the dicts of ``_row`` (compact, ensure_ascii off: json's own string escaper), without the
# dicts or the encoder walking them (half the list's Python time went there).
_KEYS = ("id", "opportunity", "opportunity_number", "organization", "organization_name", "project",
         "project_name", "title", "instrument", "federal_amount_requested", "cost_share_amount",
         "total_project_cost", "period_start", "period_end", "summary")
_TAIL = ("status", *_TIMESTAMPS)
_ROW_JSON = "{%s}" % ",".join([  # noqa: UP031 - a %-template itself
    *(f"{encode_basestring(k)}:%s" for k in _KEYS),
    '"budget":{' + ",".join(f"{encode_basestring(k)}:%s" for k in (*_BUDGET, "total_direct", "total")) + "}",
    *(f"{encode_basestring(k)}:%s" for k in _TAIL),
])
_SCALAR = {str: encode_basestring, int: int.__repr__, type(None): lambda _: "null",
           dt.date: lambda d: f'"{d.isoformat()}"'}


def _row_json(r: tuple, zone) -> str:
    values = (*r[:15], *r[_B0:], r[15], *(_datetime(t, zone) for t in r[16:_B0]))
    return _ROW_JSON % tuple([_SCALAR[v.__class__](v) for v in values])


class ApplicationRows(Sequence):
    """A page of list rows: dicts (as ``_row`` builds them) on demand, and ``as_json_array()``, the
    JSON array of those dicts, without them. ``tolist()`` lets DRF's JSONEncoder (and so any
    renderer) take it for the list it stands for."""

    def __init__(self, fetched: list[tuple], zone):
        self._fetched, self._zone, self._dicts = fetched, zone, None

    def tolist(self) -> list[dict]:
        if self._dicts is None:
            self._dicts = [_row(r, self._zone) for r in self._fetched]
        return self._dicts

    def __getitem__(self, index):
        return self.tolist()[index]

    def __len__(self) -> int:
        return len(self._fetched)

    def __eq__(self, other):
        return self.tolist() == (other.tolist() if isinstance(other, ApplicationRows) else other)

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self.tolist())

    def as_json_array(self) -> str:
        zone = self._zone
        return "[" + ",".join([_row_json(r, zone) for r in self._fetched]) + "]"


def application_list_page(queryset, offset: int, limit: int) -> tuple[ApplicationRows, int]:
    """The rows of ``queryset`` (already restricted, filtered and ordered) from ``offset``,
    at most ``limit`` of them, and the total count: one statement whatever the page.

    The page is chosen in the filtered CTE (read in index order, LIMIT early) and only its
    rows are joined to their opportunity, organization and project; the count is a second
    CTE over the same filter, so it never builds joined rows. ``total LEFT JOIN page``
    returns the count even for an empty page.
    """
    from accounts.models import Organization
    from applications.models import FundingOpportunity, Project

    terms = _order_terms(queryset)
    keys = [name for name, _ in terms if name != "id"]
    filtered = queryset.order_by().values_list("pk", *keys)
    try:
        sql, params = filtered.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # e.g. queryset.none(): nothing to read
        return ApplicationRows([], None), 0
    key_columns = ", ".join(["id", *(f"k{i}" for i in range(len(keys)))])
    key_of = {name: f"k{i}" for i, name in enumerate(keys)} | {"id": "id"}
    inner_order = ", ".join(f"f.{key_of[name]} {'DESC' if desc else 'ASC'}" for name, desc in terms)
    outer_order = ", ".join(f"{_col(name)} {'DESC' if desc else 'ASC'}" for name, desc in terms)
    statement = f"""
        WITH filtered ({key_columns}) AS NOT MATERIALIZED ({sql}),
        page AS (SELECT f.id FROM filtered f ORDER BY {inner_order} LIMIT %s OFFSET %s),
        total AS (SELECT count(*) AS n FROM filtered)
        SELECT total.n, {_select_list()}
        FROM total LEFT JOIN (
            page JOIN {_table(Application)} a ON a.id = page.id
            JOIN {_table(FundingOpportunity)} o ON o.id = a.opportunity_id
            JOIN {_table(Organization)} g ON g.id = a.organization_id
            JOIN {_table(Project)} p ON p.id = a.project_id
        ) ON TRUE
        ORDER BY {outer_order}"""  # nosec B608 - names from the model's meta, values bound as parameters
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(statement, [*params, limit, offset])
        fetched = cursor.fetchall()
    zone = timezone.get_current_timezone()
    total = fetched[0][0] if fetched else 0
    return ApplicationRows([r[1:] for r in fetched if r[1] is not None], zone), total
