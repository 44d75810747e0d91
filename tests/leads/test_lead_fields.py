"""The lead's stored fields are declared once (domain.lead_fields): every structure that reads,
shows, imports or merges them holds exactly the declared ones, each as its kind says. A field
added in one place only (a model column without its entry, an entry without its column, a column
of the catalogue or a read-engine entry written by hand) fails here."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from domain.columns import cells
from domain.columns.column import IMPORTABLE_KEYS, STATIC_BY_KEY, STATIC_COLUMNS, ColumnSource, declared_column
from domain.columns.sql import column_sql
from domain.columns.values import Refs, Row, cell_reader
from domain.contacts.duplicate import Resolution
from domain.fields import Kind
from domain.fold import KEYS
from domain.integration.lead_import_rows import BatchContext, GoodRow, check_row
from domain.lead_fields import COLUMN_FIELDS, LEAD_FIELDS, LeadField
from domain.leads.merge import COLUMNS, MergeField
from domain.webhook_payload import render
from fastpath.leads import LEAD
from fastpath.sqltables import LEAD_PLAIN
from models import Lead
from schema.leads.lead import Lead as LeadType
from tests.conftest import Account

# The lead's columns in the model that are no declared field: links, custom values, what the
# activity rules keep (next activity), and the folded keys (checked against the declaration below).
NOT_DECLARED = {
    "id",
    "company_id",
    "person_id",
    "organization_id",
    "owner_user_id",
    "owner_team_id",
    "created_by_id",
    "source_deal_id",
    "custom_fields",
    "custom_keys",
    "next_activity_id",
    "next_activity_date",
}
# The lead's inbox columns that are no one stored field.
OTHER_COLUMNS = {"lead.owner", "lead.labels", "lead.activityStatus", "lead.nextActivityDate", "lead.createdBy"}
# The merge choices that are no stored field of the lead.
OTHER_MERGE = {MergeField.PERSON, MergeField.ORGANIZATION, MergeField.OWNER, MergeField.LABELS, MergeField.CUSTOM_FIELD}
# The Lead type's fields read from the row that the declaration leaves out (its ids).
ID_FIELDS = {"id", "uuid"}


def _model_columns() -> dict[str, Any]:
    """The lead table's columns, each with its tortoise field."""
    meta = Lead._meta
    return {
        meta.fields_db_projection[name]: field
        for name, field in meta.fields_map.items()
        if name in meta.fields_db_projection
    }


def test_every_model_column_is_declared_or_named_as_not_declared() -> None:
    columns = _model_columns()
    declared = {c for f in LEAD_FIELDS for c in f.columns}
    keys = {f.key_column for f in LEAD_FIELDS if f.key_column is not None}
    assert set(columns) == declared | keys | NOT_DECLARED
    for f in LEAD_FIELDS:
        for column in f.columns:
            # A required GraphQL field reads a column that cannot be NULL, and the other way round.
            assert columns[column].null == f.nullable, column


def test_each_kind_is_used_as_its_rules_need() -> None:
    assert len({f.name for f in LEAD_FIELDS}) == len(LEAD_FIELDS)
    for f in LEAD_FIELDS:
        assert (f.kind == Kind.OPTION) == (f.enum is not None), f.name
        if f.enum is not None:
            # Every value has its label, in the enum's order.
            assert list(f.options) == list(f.enum), f.name
        if f.label is not None and f.kind == Kind.TEXT:
            # Text columns are filtered and sorted by their folded key (domain.fold).
            assert f.folded, f.name
        if f.kind == Kind.BOOLEAN:
            assert not (f.label is not None and f.sortable), f"{f.name}: no sort key for a yes/no column"
        assert f.folded <= (f.kind == Kind.TEXT), f.name


def test_fold_keys_are_the_declared_ones() -> None:
    assert KEYS["lead"] == {f.column: (f.key_column, f.nullable) for f in LEAD_FIELDS if f.folded}


def test_catalogue_holds_exactly_the_declared_columns() -> None:
    lead_keys = {c.key for c in STATIC_COLUMNS if c.source == ColumnSource.LEAD}
    assert lead_keys == {f.key for f in COLUMN_FIELDS} | OTHER_COLUMNS
    assert len(lead_keys) == len([c for c in STATIC_COLUMNS if c.source == ColumnSource.LEAD])
    for f in COLUMN_FIELDS:
        column = STATIC_BY_KEY[f.key]
        assert column == declared_column(f)
        assert (column.label, column.type.value, column.sortable, column.filterable) == (
            f.label,
            f.kind.value,
            f.sortable,
            f.filterable,
        )
        assert [(o.id, o.label) for o in column.options] == [(str(o.value), v) for o, v in f.options.items()]
    # Labels name a column in the export's header: one column, one label.
    labels = [c.label for c in STATIC_COLUMNS]
    assert len(labels) == len(set(labels))
    # Fields that are no column are no column key either.
    assert not {f.key for f in LEAD_FIELDS if f.label is None} & set(STATIC_BY_KEY)


def test_import_targets_are_the_importable_declared_fields() -> None:
    lead_targets = {k for k in IMPORTABLE_KEYS if k.startswith("lead.")}
    assert lead_targets == {f.key for f in LEAD_FIELDS if f.importable} | {"lead.owner", "lead.labels"}
    assert all(f.label is not None for f in LEAD_FIELDS if f.importable)


def test_merge_choices_are_the_mergeable_declared_fields() -> None:
    mergeable = {MergeField[f.merge_name]: f for f in LEAD_FIELDS if f.merge is not None}
    assert set(MergeField) == set(mergeable) | OTHER_MERGE
    for member, f in mergeable.items():
        assert COLUMNS[member] == f.columns
    assert not set(COLUMNS) & {MergeField.LABELS, MergeField.CUSTOM_FIELD}


def test_read_engine_and_graphql_type_hold_exactly_the_declared_fields() -> None:
    names = [f.name for f in LEAD_FIELDS]
    # The JSON the database writes, and the read engine's Python writer.
    assert set(LEAD_PLAIN("l")) == ID_FIELDS | set(names)
    plain = {name for name, entry in LEAD.items() if isinstance(entry, str) and "s.lead." in entry}
    assert plain == ID_FIELDS | {f.name for f in LEAD_FIELDS if f.kind != Kind.MONEY}
    assert set(names) <= set(LEAD)
    # The GraphQL type: its fields without a resolver are the ids and the declared ones, in order.
    definition = LeadType.__strawberry_definition__  # type: ignore[attr-defined]  # set by strawberry.type
    stored = [f for f in definition.fields if f.base_resolver is None and not f.python_name.startswith("_")]
    assert [f.python_name for f in stored] == ["id", "uuid", *(f.column for f in LEAD_FIELDS)]
    assert [f.description for f in stored[2:]] == [f.description for f in LEAD_FIELDS]
    # GraphQL names the fields in camelCase, and so does a webhook event (domain.webhook_payload):
    # both are the declared names.
    for f in LEAD_FIELDS:
        assert f.name == "".join(p if i == 0 else p.title() for i, p in enumerate(f.column.split("_")))


def _sample_lead() -> Lead:
    now = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    values: dict[str, Any] = {}
    for f in LEAD_FIELDS:
        sample: dict[Kind, Any] = {
            Kind.TEXT: f"{f.name} text",
            Kind.DATE: dt.date(2026, 5, 6),
            Kind.DATETIME: now,
            Kind.BOOLEAN: True,
            Kind.INTEGER: 3,
            Kind.OPTION: list(f.options)[-1] if f.options else None,
        }
        if f.kind == Kind.MONEY:
            values.update(zip(f.columns, (Decimal("12.50"), "EUR"), strict=True))
        else:
            values[f.column] = sample[f.kind]
    return Lead(id=uuid.uuid4(), company_id=1, **values)


def _expected_cell(f: LeadField, lead: Lead) -> Any:
    value: Any = getattr(lead, f.column) if f.kind != Kind.MONEY else None
    return {
        Kind.TEXT: lambda: cells.TextCell(value),
        Kind.DATE: lambda: cells.DateCell(value),
        Kind.DATETIME: lambda: cells.DateTimeCell(value),
        Kind.BOOLEAN: lambda: cells.BooleanCell(value),
        Kind.MONEY: lambda: cells.MoneyCell(Decimal("12.50"), "EUR"),
        Kind.OPTION: lambda: cells.OptionCell(next(o for o in STATIC_BY_KEY[f.key].options if o.id == value.value)),
    }[f.kind]()


async def test_each_declared_column_reads_its_own_columns(account: Account) -> None:
    viewer = await account.viewer()
    lead = _sample_lead()
    for f in COLUMN_FIELDS:
        column = STATIC_BY_KEY[f.key]
        sql = column_sql(column, viewer)
        assert sql.value is not None and f"l.{f.columns[0]}" in sql.value.text, f.key
        assert (sql.sort is not None) == f.sortable, f.key
        if f.key_column is not None:
            assert sql.key is not None and sql.key.text == f"l.{f.key_column}"
            assert sql.sort == sql.key
        # The cell (what the inbox shows and the export writes) reads the field.
        cell = cell_reader(column)(Row(lead, None, None, [], None, dt.datetime.now(dt.UTC)), Refs({}, {}, {}, {}))
        assert cell == _expected_cell(f, lead), f.key


async def test_webhook_payload_carries_every_declared_field() -> None:
    payload = render(_sample_lead(), "Lead")
    assert {f.name for f in LEAD_FIELDS} <= set(payload)
    assert payload["value"] == {"amount": "12.50", "currency": "EUR"}


async def test_an_import_row_fills_every_importable_declared_field(account: Account) -> None:
    viewer = await account.viewer()
    importable = [f for f in LEAD_FIELDS if f.importable]
    given = {
        Kind.TEXT: lambda f: f"{f.name} text",
        Kind.MONEY: lambda f: "12.50",
        Kind.DATE: lambda f: "2026-05-06",
        Kind.OPTION: lambda f: list(f.options.values())[-1],
    }
    targets = ["person.name", *(f.key for f in importable)]
    row = ["Ada Lovelace", *(given[f.kind](f) for f in importable)]
    context = BatchContext(viewer, {t: i for i, t in enumerate(targets)}, Resolution.LINK, "EUR")
    good = await check_row(context, 2, row)
    assert isinstance(good, GoodRow), good
    expected: dict[str, Any] = {
        Kind.TEXT: lambda f: {f.column: f"{f.name} text"},
        Kind.MONEY: lambda f: dict(zip(f.columns, (Decimal("12.50"), "EUR"), strict=True)),
        Kind.DATE: lambda f: {f.column: dt.date(2026, 5, 6)},
        Kind.OPTION: lambda f: {f.column: list(f.options)[-1]},
    }
    for f in importable:
        for column, value in expected[f.kind](f).items():
            assert good.lead[column] == value, f.key
