"""Folding text for comparison: one rule for duplicate keys, search, text filters and sorts.

``fold("  Bjørn  Ødegård ")`` is ``"bjorn odegard"``: transliterated to ASCII (anyascii: ø, æ, ß,
ł, which Unicode decomposition leaves alone, and accents alike), case folded, white space
trimmed and collapsed. The folded form cannot be computed in SQL the same way on both
databases (SQLite's ``lower()`` and ``LIKE`` fold ASCII only; PostgreSQL has no anyascii), so
it is stored: every text column that is searched, filtered or sorted has a key column beside
it (:data:`KEYS`: ``name_key``, ``title_key``, ``address_city_key``...) and the text values of
custom fields are folded into ``custom_keys``. Every write of such a row goes through
:func:`keyed`, and SQL compares and sorts the keys only, so that SQLite and PostgreSQL answer
the same, byte for byte. The keys are ASCII; on PostgreSQL their columns use the "C" collation
(migration 0018), so that they sort by byte as on SQLite whatever the database's locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anyascii import anyascii

from core.sql import like_escape
from domain.contact_fields import ORGANIZATION_FIELDS, PERSON_FIELDS
from domain.deal_fields import DEAL_FIELDS
from domain.fields import folded_keys
from domain.lead_fields import LEAD_FIELDS

# As long as the key columns; longer keys are cut the same way on both sides of a comparison.
KEY_LENGTH = 255


def fold(text: str | None) -> str:
    """``text`` as it is compared: ASCII, case folded, white space collapsed."""
    return " ".join(anyascii(text or "").casefold().split())


def fold_key(text: str | None) -> str:
    """:func:`fold`, cut to the length of a key column."""
    return fold(text)[:KEY_LENGTH]


def key_pattern(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching the folded ``text`` anywhere in a folded column."""
    return f"%{like_escape(fold(text))}%"


# Each table's folded text columns: source column -> (key column, whether the key is NULL
# where the text is empty). Names and titles are required: their keys are never NULL.
KEYS: dict[str, dict[str, tuple[str, bool]]] = {
    # The folded fields of leads, persons, organizations and deals are declared (domain.fields).
    "lead": folded_keys(LEAD_FIELDS),
    "person": folded_keys(PERSON_FIELDS),
    "organization": {
        **folded_keys(ORGANIZATION_FIELDS),
        # The address is an object of the Organization type, its parts not declared fields.
        "address_street": ("address_street_key", True),
        "address_city": ("address_city_key", True),
        "address_postal_code": ("address_postal_code_key", True),
        "address_country": ("address_country_key", True),
    },
    "deal": folded_keys(DEAL_FIELDS),
    "app_user": {"name": ("name_key", False)},
    "team": {"name": ("name_key", False)},
    "lead_label": {"name": ("name_key", False)},
}
# The tables whose custom field values are filtered and sorted: ``custom_keys`` beside ``custom_fields``.
CUSTOM_KEY_TABLES = frozenset({"lead", "person", "organization"})


def column_key(text: str | None, nullable: bool) -> str | None:
    """The stored key of one text: :func:`fold_key`; None for an empty one where ``nullable``."""
    key = fold_key(text)
    return (key or None) if nullable else key


def custom_keys(values: Mapping[str, Any] | None) -> dict[str, str]:
    """The folded form of a record's custom field values: each text value by its key, uncut
    (a JSON document has no column length), so that filters and sorts read it from SQL."""
    return {k: fold(v) for k, v in (values or {}).items() if isinstance(v, str)}


def table_of(model: Any) -> str:
    """The table of a tortoise model class or instance (``Lead`` -> ``"lead"``), or a table name."""
    return model if isinstance(model, str) else str(model._meta.db_table)


def keyed(model: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (the columns of one write to ``model``'s table) with the folded key of every
    text column among them, and ``custom_keys`` when ``custom_fields`` is written: what every
    writer of these tables stores, so that the keys never lag their text."""
    table = table_of(model)
    out = dict(values)
    for source, (key, nullable) in KEYS.get(table, {}).items():
        if source in values:
            out[key] = column_key(values[source], nullable)
    if table in CUSTOM_KEY_TABLES and "custom_fields" in values:
        out["custom_keys"] = custom_keys(values["custom_fields"])
    return out


async def folded_name_taken(rows: Any, name: str, except_id: int | None = None) -> bool:
    """Whether one of ``rows`` (a queryset of one company's few named rows: categories, their
    groups, lead statuses) has a name that folds like ``name``: "ÉTÉ" and "ete" are one name on
    both databases. Compared here, not in SQL, because those tables keep no key column."""
    if except_id is not None:
        rows = rows.exclude(id=except_id)
    wanted = fold(name)
    return any(fold(other) == wanted for other in await rows.values_list("name", flat=True))


def key_columns(model: Any) -> frozenset[str]:
    """The derived columns of ``model``'s table: kept by :func:`keyed`, never logged or sent."""
    table = table_of(model)
    keys = {key for key, _ in KEYS.get(table, {}).values()}
    if table in CUSTOM_KEY_TABLES:
        keys.add("custom_keys")
    return frozenset(keys)


def fill_keys(row: Any) -> Any:
    """Set the folded keys of a model instance from its texts (for rows made in memory and
    written in bulk); returns ``row``."""
    table = table_of(row)
    sources = {source: getattr(row, source) for source in KEYS.get(table, {})}
    if table in CUSTOM_KEY_TABLES:
        sources["custom_fields"] = row.custom_fields
    for column, value in keyed(table, sources).items():
        if column not in sources:
            setattr(row, column, value)
    return row
