"""The deal's stored fields, declared once (domain.fields): the GraphQL ``Deal`` type's fields read
from the ``deal`` row, in the type's order.

From :data:`DEAL_FIELDS` derive the ``Deal`` type's fields and ``from_model``
(schema/deals/deal.py), the read engine's SQL table (fastpath/sqltables.py ``DEAL_PLAIN``; its
Python writer, fastpath/deals.py ``DEAL``, is derived from the type) and the folded keys
(domain.fold.KEYS). A new stored field of a deal is one entry here, plus its model field and
migration. The deal's relations (person, organization, owner, pipeline, stage, products...) stay
in the type.
"""

from __future__ import annotations

from domain.fields import Field, Kind
from models import DealStatus, Visibility

DEAL_FIELDS: tuple[Field, ...] = (
    Field("title", Kind.TEXT, "What the deal is about; at most 255 characters.", nullable=False, folded=True),
    Field("value", Kind.MONEY, "The deal's value; null when none was given."),
    Field("status", Kind.OPTION, "OPEN, WON or LOST.", nullable=False, enum=DealStatus),
    Field("visibility", Kind.OPTION, "Who can see the deal.", nullable=False, enum=Visibility),
    Field("expectedCloseDate", Kind.DATE, "When it should close; null when not set."),
    Field("wonAt", Kind.DATETIME, "When it was won; null unless WON."),
    Field("lostAt", Kind.DATETIME, "When it was lost; null unless LOST."),
    Field("lostReason", Kind.TEXT, "Why it was lost; only a LOST deal has one."),
    Field("deletedAt", Kind.DATETIME, "Set while the deal is deleted (restorable)."),
    Field("createdAt", Kind.DATETIME, "When the deal was created.", nullable=False),
    Field("updatedAt", Kind.DATETIME, "When the deal last changed.", nullable=False),
    Field(
        "version",
        Kind.INTEGER,
        "Raised by one with every change made through updateDeal; send it as `expectedVersion` to "
        "have a change refused (CONFLICT) when someone else changed the deal since you read it.",
        nullable=False,
    ),
    Field(
        "sourceLeadId",
        Kind.GLOBAL_ID,
        "The lead this deal was converted from; that lead no longer exists.",
        ref="Lead",
    ),
)
