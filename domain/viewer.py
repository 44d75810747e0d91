"""Who is asking: the authenticated user, their company, teams and permissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from core.db import fetch, is_postgres
from core.security import token_digest
from models.base import Role, Visibility
from models.leads.lead import LeadSource


@dataclass(frozen=True)
class Viewer:
    user_id: int
    company_id: int
    role: Role
    name: str = ""
    can_convert_deals_to_leads: bool = True
    can_add_prospector_leads: bool = False
    can_manage_labels: bool = False
    # The teams the user belongs to, and every user who shares one of them.
    # True when the request comes from the sales team's own app rather than the public API.
    via_app: bool = False
    team_ids: frozenset[int] = field(default_factory=frozenset)
    teammate_ids: frozenset[int] = field(default_factory=frozenset)
    # The company's custom field definitions' version when the viewer was read (None: not read);
    # domain.columns.custom_field.viewer_definitions keys its cache by it.
    custom_fields_version: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def lead_source(self) -> LeadSource:
        """What a lead made directly by this viewer is: MANUAL in the app, API from a partner."""
        return LeadSource.MANUAL if self.via_app else LeadSource.API

    def can_see(
        self, visibility: Visibility | str, owner_user_id: int | None, owner_team_id: int | None = None
    ) -> bool:
        """Visibility (SPEC §1): OWNER = owner and admins, TEAM = the owner's teams, COMPANY = all."""
        if self.is_admin or Visibility(visibility) == Visibility.COMPANY:
            return True
        if owner_user_id == self.user_id or owner_team_id in self.team_ids:
            return True
        return Visibility(visibility) == Visibility.TEAM and owner_user_id in self.teammate_ids

    def visibility_sql(
        self, alias: str, owner_user_col: str, owner_team_col: str | None = None
    ) -> tuple[str, list[Any]]:
        """The SQL form of :meth:`can_see` for a table alias; empty for admins."""
        if self.is_admin:
            return "", []
        parts = [f"{alias}.visibility = ?", f"{alias}.{owner_user_col} = ?"]
        params: list[Any] = [Visibility.COMPANY.value, self.user_id]
        if owner_team_col and self.team_ids:
            marks = ",".join("?" * len(self.team_ids))
            parts.append(f"{alias}.{owner_team_col} IN ({marks})")
            params.extend(sorted(self.team_ids))
        if self.teammate_ids:
            marks = ",".join("?" * len(self.teammate_ids))
            parts.append(f"({alias}.visibility = ? AND {alias}.{owner_user_col} IN ({marks}))")
            params.append(Visibility.TEAM.value)
            params.extend(sorted(self.teammate_ids))
        return "(" + " OR ".join(parts) + ")", params

    def readable_sql(
        self, alias: str, owner_user_col: str, owner_team_col: str | None = None
    ) -> tuple[list[str], list[Any]]:
        """WHERE parts (to join with AND) and their parameters for the rows of a table alias the
        viewer may read: of its company and visible to it (:meth:`visibility_sql`)."""
        where = [f"{alias}.company_id = ?"]
        params: list[Any] = [self.company_id]
        visible, visible_params = self.visibility_sql(alias, owner_user_col, owner_team_col)
        if visible:
            where.append(visible)
            params += visible_params
        return where, params


# Every membership of every team a user is in: (team, user) pairs.
_MEMBERSHIPS = "FROM team_member m WHERE m.team_id IN (SELECT team_id FROM team_member WHERE user_id = {user})"


def _authenticate_sql(pairs: str) -> str:
    """The token's statement, a regular user's memberships as one JSON column of ``pairs`` (an
    aggregate of ``m``'s rows; NULL for an admin, who sees all)."""
    return (
        "SELECT u.id, u.company_id, u.role, u.name, u.can_convert_deals_to_leads,"
        " u.can_add_prospector_leads, u.can_manage_labels, t.client, c.custom_fields_version,"
        f" CASE WHEN u.role = ? THEN NULL ELSE (SELECT {pairs} {_MEMBERSHIPS.format(user='u.id')}) END AS memberships"
        " FROM api_token t JOIN app_user u ON u.id = t.user_id JOIN company c ON c.id = u.company_id"
        " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.is_active = ?"
    )


# By dialect (PostgreSQL: True), written once rather than on every request.
_AUTHENTICATE = {
    True: _authenticate_sql("json_agg(json_build_array(m.team_id, m.user_id))"),
    False: _authenticate_sql("json_group_array(json_array(m.team_id, m.user_id))"),
}


async def authenticate(token: str) -> Viewer | None:
    """The viewer a bearer token stands for, or None for an unknown, revoked or inactive one:
    one statement, a regular user's teams included."""
    rows = await fetch(_AUTHENTICATE[is_postgres()], [Role.ADMIN.value, token_digest(token), True])
    if not rows:
        return None
    row = rows[0]
    return await viewer_for_user_row(row)


async def viewer_for_user_row(row: dict[str, Any]) -> Viewer:
    """The viewer of a user's row; a regular user's teams are read from its ``memberships``
    (JSON pairs, :func:`authenticate`) or, without that column, with a statement of their own."""
    team_ids: set[int] = set()
    teammate_ids: set[int] = set()
    if Role(row["role"]) != Role.ADMIN:
        if "memberships" in row:
            found = row["memberships"]
            pairs = orjson.loads(found) if isinstance(found, str | bytes) else (found or [])
        else:
            members = await fetch(
                "SELECT m.team_id, m.user_id " + _MEMBERSHIPS.format(user="?"),
                [row["id"]],
            )
            pairs = [(m["team_id"], m["user_id"]) for m in members]
        team_ids = {team for team, _ in pairs}
        teammate_ids = {user for _, user in pairs} - {row["id"]}
    return Viewer(
        user_id=row["id"],
        company_id=row["company_id"],
        role=Role(row["role"]),
        name=row["name"],
        can_convert_deals_to_leads=bool(row["can_convert_deals_to_leads"]),
        can_add_prospector_leads=bool(row["can_add_prospector_leads"]),
        can_manage_labels=bool(row["can_manage_labels"]),
        via_app=row.get("client") == "APP",
        team_ids=frozenset(team_ids),
        teammate_ids=frozenset(teammate_ids),
        custom_fields_version=row.get("custom_fields_version"),
    )


async def viewer_for_user(user_id: int) -> Viewer:
    """The viewer of a user by id (for the CLI, jobs and tests)."""
    rows = await fetch(
        "SELECT u.id, u.company_id, u.role, u.name, u.can_convert_deals_to_leads, u.can_add_prospector_leads,"
        " u.can_manage_labels, c.custom_fields_version FROM app_user u JOIN company c ON c.id = u.company_id"
        " WHERE u.id = ?",
        [user_id],
    )
    if not rows:
        raise LookupError(f"no user {user_id}")
    return await viewer_for_user_row(rows[0])
