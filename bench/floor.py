"""The floor: Q1's page answered with the least work possible, to measure the app against.

A plain Starlette app with one route, ``POST /graphql``, that reads ``variables.first`` from
the body and answers the default inbox (active leads, newest first, the five custom columns of
the seeded company, bench/seed.py) with ONE SQL statement that checks the bearer token and
builds the whole response JSON: SQLite's ``json_object``/``json_group_array`` through plain
``sqlite3``, PostgreSQL's ``json_build_object``/``json_agg`` through asyncpg. The text the
database returns is the response body.

It returns the same data as the app's ``/graphql`` for bench/workloads.py's ``INBOX`` with
``{"first": n, "columns": <the five columns>}`` for the viewer of the token, cursors included
(the format of core/pagination.py), and tests/commands/test_bench_floor.py proves the two responses
equal once parsed. Where it does less than the app, on purpose (the app must handle what the
floor can assume of the seeded data):

- the query text is not parsed: only ``first`` is read; no ``after``, filter or other sort;
- it assumes an admin viewer (no visibility condition) and the five seeded custom columns,
  with the option field ``tier`` read from its definition in the same statement;
- ``primaryEmail``/``primaryPhone`` are the first entries of the lists (the domain keeps the
  primary one first in what the generator writes; the app looks for the ``primary`` flag);
- the key order and white space of the JSON differ (PostgreSQL's json functions add spaces).

    python bench/floor.py --database-url sqlite:///path/to.sqlite3 --port 8100
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

UNAUTHORIZED = b'{"data":null,"errors":[{"message":"Unknown or revoked token."}]}'


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


# --- SQLite ---------------------------------------------------------------------------------------

SQLITE_NEXT_ACTIVITY_STATUS = """
  CASE
    WHEN a.due_date IS NULL THEN 'NONE'
    WHEN a.due_date < date('now') THEN 'OVERDUE'
    WHEN a.due_date > date('now') THEN 'PLANNED'
    WHEN a.due_time IS NOT NULL AND substr(a.due_time, 1, 8) < strftime('%H:%M:%S', 'now') THEN 'OVERDUE'
    ELSE 'TODAY'
  END"""

SQLITE_PAGE = f"""
WITH viewer AS (
  SELECT u.company_id FROM api_token t JOIN app_user u ON u.id = t.user_id
  WHERE t.token_hash = :token AND t.revoked_at IS NULL AND u.is_active = 1
),
tier AS MATERIALIZED (
  SELECT json_extract(o.value, '$.id') AS id, json_extract(o.value, '$.label') AS label,
         json_extract(o.value, '$.color') AS color
  FROM custom_field f, json_each(f.options) o
  WHERE f.company_id = (SELECT company_id FROM viewer) AND f.entity = 'LEAD_DEAL' AND f.key = 'tier'
),
page AS (
  SELECT l.*, row_number() OVER (ORDER BY l.created_at DESC, l.id DESC) AS n
  FROM lead l
  WHERE l.company_id = (SELECT company_id FROM viewer) AND l.is_archived = 0
  ORDER BY l.created_at DESC, l.id DESC
  LIMIT :first + 1
),
edges AS (
  SELECT l.n, b64(json_object('s', 'CREATED_AT:DESC', 'k', json_array('', l.created_at), 'i', json_array('', l.id)))
           AS cursor,
    json_object(
      'id', b64('Lead:' || l.id),
      'title', l.title,
      'source', l.source,
      'value', CASE WHEN l.value_amount IS NULL THEN NULL
               ELSE json_object('amount', l.value_amount, 'currency', l.value_currency) END,
      'createdAt', substr(l.created_at, 1, 10) || 'T' || substr(l.created_at, 12),
      'expectedCloseDate', l.expected_close_date,
      'wasSeen', json(CASE WHEN l.was_seen THEN 'true' ELSE 'false' END),
      'activityStatus', {SQLITE_NEXT_ACTIVITY_STATUS},
      'person', CASE WHEN p.id IS NULL THEN NULL ELSE json_object(
        'id', b64('Person:' || p.id), 'name', p.name,
        'primaryEmail', json_extract(p.emails, '$[0].value'),
        'primaryPhone', json_extract(p.phones, '$[0].value')) END,
      'organization', CASE WHEN o.id IS NULL THEN NULL ELSE json_object(
        'id', b64('Organization:' || o.id), 'name', o.name,
        'address', json_object('street', o.address_street, 'city', o.address_city,
                               'postalCode', o.address_postal_code, 'country', o.address_country)) END,
      'owner', CASE
        WHEN u.id IS NOT NULL THEN json_object('__typename', 'User', 'id', b64('User:' || u.id), 'name', u.name)
        WHEN tm.id IS NOT NULL THEN json_object('__typename', 'Team', 'id', b64('Team:' || tm.id), 'name', tm.name)
      END,
      'labels', (SELECT json_group_array(json_object('id', b64('LeadLabel:' || x.id), 'name', x.name, 'color', x.color))
                 FROM (SELECT lb.id, lb.name, lb.color FROM lead_label_link k JOIN lead_label lb ON lb.id = k.label_id
                       WHERE k.lead_id = l.id ORDER BY lb.name_key) x),
      'nextActivity', CASE WHEN a.id IS NULL THEN NULL ELSE json_object(
        'id', b64('Activity:' || a.id), 'type', a.type, 'subject', a.subject,
        'dueDate', a.due_date, 'dueTime', a.due_time) END,
      'values', json_array(
        CASE WHEN json_type(l.custom_fields, '$.deal_size') IS NULL THEN NULL ELSE json_object(
          '__typename', 'NumberValue', 'column', 'cf.lead.deal_size',
          'display', CAST(json_extract(l.custom_fields, '$.deal_size') AS TEXT),
          'number', CAST(json_extract(l.custom_fields, '$.deal_size') AS TEXT)) END,
        CASE WHEN tr.id IS NULL THEN NULL ELSE json_object(
          '__typename', 'OptionValue', 'column', 'cf.lead.tier', 'display', tr.label,
          'id', CAST(tr.id AS TEXT), 'label', tr.label, 'color', tr.color) END,
        CASE WHEN json_type(l.custom_fields, '$.decision_date') IS NULL THEN NULL ELSE json_object(
          '__typename', 'DateValue', 'column', 'cf.lead.decision_date',
          'display', json_extract(l.custom_fields, '$.decision_date'),
          'date', json_extract(l.custom_fields, '$.decision_date')) END,
        CASE WHEN json_type(l.custom_fields, '$.budget') IS NULL THEN NULL ELSE json_object(
          '__typename', 'MoneyValue', 'column', 'cf.lead.budget',
          'display', json_extract(l.custom_fields, '$.budget.amount') || ' ' ||
                     json_extract(l.custom_fields, '$.budget.currency'),
          'amount', json_extract(l.custom_fields, '$.budget.amount'),
          'currency', json_extract(l.custom_fields, '$.budget.currency')) END,
        CASE WHEN json_type(l.custom_fields, '$.campaign') IS NULL THEN NULL ELSE json_object(
          '__typename', 'TextValue', 'column', 'cf.lead.campaign',
          'display', json_extract(l.custom_fields, '$.campaign'),
          'text', json_extract(l.custom_fields, '$.campaign')) END
      )
    ) AS node
  FROM page l
  LEFT JOIN person p ON p.id = l.person_id
  LEFT JOIN organization o ON o.id = l.organization_id
  LEFT JOIN app_user u ON u.id = l.owner_user_id
  LEFT JOIN team tm ON tm.id = l.owner_team_id
  LEFT JOIN activity a ON a.id = l.next_activity_id
  LEFT JOIN tier tr ON tr.id = json_extract(l.custom_fields, '$.tier')
  WHERE l.n <= :first
  ORDER BY l.n
)
SELECT
  (SELECT company_id FROM viewer) AS company_id,
  json_object('data', json_object('leads', json_object(
    'edges', (SELECT json_group_array(json_object('cursor', e.cursor, 'node', json(e.node)))
              FROM (SELECT * FROM edges ORDER BY n) e),
    'pageInfo', json_object(
      'hasNextPage', json(CASE WHEN (SELECT count(*) FROM page) > :first THEN 'true' ELSE 'false' END),
      'endCursor', (SELECT cursor FROM edges ORDER BY n DESC LIMIT 1))))) AS body
"""


class SqliteFloor:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.create_function("b64", 1, _b64, deterministic=True)
        self.db.execute("PRAGMA query_only = ON")
        self.db.execute("PRAGMA cache_size = -65536")
        self.db.execute("PRAGMA mmap_size = 268435456")

    async def page(self, token_hash: str, first: int) -> bytes | None:
        company_id, body = self.db.execute(SQLITE_PAGE, {"token": token_hash, "first": first}).fetchone()
        return None if company_id is None else body.encode()

    async def close(self) -> None:
        self.db.close()


# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_b64(expr: str) -> str:
    # PostgreSQL's base64 breaks lines every 76 characters: the translate drops the breaks.
    return f"rtrim(translate(encode(convert_to({expr}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')"


PG_ISO = "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"

# core.pagination.Cursor's JSON for the default sort: the key as a tagged datetime, the id as text.
PG_CURSOR = (
    """'{"s":"CREATED_AT:DESC","k":["dt","' || """
    + PG_ISO.format("l.created_at")
    + """ || '"],"i":["","' || l.id || '"]}'"""
)

PG_PAGE = f"""
WITH viewer AS (
  SELECT u.company_id FROM api_token t JOIN app_user u ON u.id = t.user_id
  WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.is_active
),
tier AS (
  SELECT (o->>'id') AS id, o->>'label' AS label, o->>'color' AS color
  FROM custom_field f, jsonb_array_elements(f.options) o
  WHERE f.company_id = (SELECT company_id FROM viewer) AND f.entity = 'LEAD_DEAL' AND f.key = 'tier'
),
page AS (
  SELECT l.*, row_number() OVER (ORDER BY l.created_at DESC, l.id DESC) AS n
  FROM lead l
  WHERE l.company_id = (SELECT company_id FROM viewer) AND NOT l.is_archived
  ORDER BY l.created_at DESC, l.id DESC
  LIMIT $2 + 1
),
edges AS (
  SELECT l.n,
    {_pg_b64(PG_CURSOR)} AS cursor,
    json_build_object(
      'id', {_pg_b64("'Lead:' || l.id")},
      'title', l.title,
      'source', l.source,
      'value', CASE WHEN l.value_amount IS NULL THEN NULL
               ELSE json_build_object('amount', l.value_amount::text, 'currency', l.value_currency) END,
      'createdAt', {PG_ISO.format("l.created_at")},
      'expectedCloseDate', l.expected_close_date,
      'wasSeen', l.was_seen,
      'activityStatus', CASE
        WHEN a.due_date IS NULL THEN 'NONE'
        WHEN a.due_date < (now() AT TIME ZONE 'UTC')::date THEN 'OVERDUE'
        WHEN a.due_date > (now() AT TIME ZONE 'UTC')::date THEN 'PLANNED'
        WHEN a.due_time IS NOT NULL AND a.due_time::time < (now() AT TIME ZONE 'UTC')::time THEN 'OVERDUE'
        ELSE 'TODAY' END,
      'person', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object(
        'id', {_pg_b64("'Person:' || p.id")}, 'name', p.name,
        'primaryEmail', p.emails->0->>'value', 'primaryPhone', p.phones->0->>'value') END,
      'organization', CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object(
        'id', {_pg_b64("'Organization:' || o.id")}, 'name', o.name,
        'address', json_build_object('street', o.address_street, 'city', o.address_city,
                                     'postalCode', o.address_postal_code, 'country', o.address_country)) END,
      'owner', CASE
        WHEN u.id IS NOT NULL THEN json_build_object('__typename', 'User', 'id', {_pg_b64("'User:' || u.id")},
                                                     'name', u.name)
        WHEN tm.id IS NOT NULL THEN json_build_object('__typename', 'Team', 'id', {_pg_b64("'Team:' || tm.id")},
                                                      'name', tm.name)
      END,
      'labels', COALESCE((SELECT json_agg(json_build_object('id', {_pg_b64("'LeadLabel:' || lb.id")},
                                                            'name', lb.name, 'color', lb.color) ORDER BY lb.name_key)
                          FROM lead_label_link k JOIN lead_label lb ON lb.id = k.label_id WHERE k.lead_id = l.id),
                         '[]'::json),
      'nextActivity', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object(
        'id', {_pg_b64("'Activity:' || a.id")}, 'type', a.type, 'subject', a.subject,
        'dueDate', a.due_date, 'dueTime', a.due_time::time::text || '+00:00') END,
      'values', json_build_array(
        CASE WHEN l.custom_fields ? 'deal_size' THEN json_build_object(
          '__typename', 'NumberValue', 'column', 'cf.lead.deal_size',
          'display', l.custom_fields->>'deal_size', 'number', l.custom_fields->>'deal_size') END,
        CASE WHEN tr.id IS NOT NULL THEN json_build_object(
          '__typename', 'OptionValue', 'column', 'cf.lead.tier', 'display', tr.label,
          'id', tr.id, 'label', tr.label, 'color', tr.color) END,
        CASE WHEN l.custom_fields ? 'decision_date' THEN json_build_object(
          '__typename', 'DateValue', 'column', 'cf.lead.decision_date',
          'display', l.custom_fields->>'decision_date', 'date', l.custom_fields->>'decision_date') END,
        CASE WHEN l.custom_fields ? 'budget' THEN json_build_object(
          '__typename', 'MoneyValue', 'column', 'cf.lead.budget',
          'display', (l.custom_fields->'budget'->>'amount') || ' ' || (l.custom_fields->'budget'->>'currency'),
          'amount', l.custom_fields->'budget'->>'amount', 'currency', l.custom_fields->'budget'->>'currency') END,
        CASE WHEN l.custom_fields ? 'campaign' THEN json_build_object(
          '__typename', 'TextValue', 'column', 'cf.lead.campaign',
          'display', l.custom_fields->>'campaign', 'text', l.custom_fields->>'campaign') END
      )
    ) AS node
  FROM page l
  LEFT JOIN person p ON p.id = l.person_id
  LEFT JOIN organization o ON o.id = l.organization_id
  LEFT JOIN app_user u ON u.id = l.owner_user_id
  LEFT JOIN team tm ON tm.id = l.owner_team_id
  LEFT JOIN activity a ON a.id = l.next_activity_id
  LEFT JOIN tier tr ON tr.id = l.custom_fields->>'tier'
  WHERE l.n <= $2
)
SELECT
  (SELECT company_id FROM viewer) AS company_id,
  json_build_object('data', json_build_object('leads', json_build_object(
    'edges', COALESCE((SELECT json_agg(json_build_object('cursor', e.cursor, 'node', e.node) ORDER BY e.n)
                       FROM edges e), '[]'::json),
    'pageInfo', json_build_object(
      'hasNextPage', (SELECT count(*) FROM page) > $2,
      'endCursor', (SELECT cursor FROM edges ORDER BY n DESC LIMIT 1)))))::text AS body
"""


class PostgresFloor:
    def __init__(self, url: str) -> None:
        self.url = url.replace("postgres://", "postgresql://", 1)
        self.pool: asyncpg.Pool | None = None

    async def page(self, token_hash: str, first: int) -> bytes | None:
        if self.pool is None:
            self.pool = await asyncpg.create_pool(self.url, min_size=1, max_size=8)
        row = await self.pool.fetchrow(PG_PAGE, token_hash, first)
        return None if row["company_id"] is None else row["body"].encode()

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()


def make_floor(database_url: str) -> SqliteFloor | PostgresFloor:
    if database_url.startswith(("postgres://", "postgresql://")):
        return PostgresFloor(database_url)
    return SqliteFloor(database_url.split("://", 1)[1])


def create_floor_app(database_url: str) -> Starlette:
    floor = make_floor(database_url)

    async def graphql(request: Request) -> Response:
        body: dict[str, Any] = orjson.loads(await request.body())
        first = int((body.get("variables") or {}).get("first") or 50)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        digest = hashlib.sha256(token.strip().encode()).hexdigest() if scheme.lower() == "bearer" else ""
        page = await floor.page(digest, first)
        if page is None:
            return Response(UNAUTHORIZED, status_code=401, media_type="application/json")
        return Response(page, media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await floor.close()

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the floor of the inbox page.")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    app = create_floor_app(args.database_url)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
