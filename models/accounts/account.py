"""Tenants and the people who act in them: companies, users, teams, API tokens."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.base import Role, TimestampMixin


class Company(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    # Plan limit on open deals; leads are never counted against it (SPEC §4).
    open_deals_limit = fields.IntField(default=1000)
    # The plan's API rate limit (SPEC §10.5): the size of each token's bucket of query-cost
    # points and how many points flow back per second; null means the deployment's default
    # (LEADBOX_RATE_LIMIT_POINTS, LEADBOX_RATE_LIMIT_RESTORE_RATE). `leadbox set-rate-limit`.
    rate_limit_points = fields.IntField(null=True)
    rate_limit_restore_rate = fields.IntField(null=True)
    # A stamp of the company's custom field definitions: a new random one at every change of them
    # (domain.columns.custom_field, in the change's transaction) and when the company is made, never
    # reused, so an id made again after a wipe has another; read with the token, so that each
    # process's cache of the definitions knows when it is stale.
    custom_fields_version = fields.BigIntField(default=0, db_default=0)

    class Meta:
        table = "company"


class User(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="users", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254)
    role = fields.CharEnumField(Role, max_length=16, default=Role.REGULAR)
    is_active = fields.BooleanField(default=True)
    # Permission flags of regular users; admins have every permission (SPEC §1).
    can_convert_deals_to_leads = fields.BooleanField(default=True)
    can_add_prospector_leads = fields.BooleanField(default=False)
    # May create, rename, recolour and delete the company-wide lead labels.
    can_manage_labels = fields.BooleanField(default=False, db_default=False)

    company_id: int

    class Meta:
        table = "app_user"
        unique_together = (("company", "email"),)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Team(TimestampMixin, Model):
    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="teams", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)

    company_id: int

    class Meta:
        table = "team"
        unique_together = (("company", "name"),)


class TeamMember(Model):
    id = fields.IntField(primary_key=True)
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="members", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="team_memberships", on_delete=fields.CASCADE
    )

    team_id: int
    user_id: int

    class Meta:
        table = "team_member"
        unique_together = (("team", "user"),)
        indexes = (("user_id", "team_id"),)


class ApiToken(Model):
    """A per-user API token. Only its SHA-256 digest is stored, the token itself is shown once."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200, default="")
    token_hash = fields.CharField(max_length=64, unique=True)
    # APP for the sales team's own client (what it creates is MANUAL), API for partner
    # integrations (what they create is API): the path, not the client, sets a lead's source.
    client = fields.CharField(max_length=8, default="API")
    # The first characters, so that a user can tell tokens apart without the secret.
    prefix = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "api_token"
