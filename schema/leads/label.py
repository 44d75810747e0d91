"""Lead labels."""

from __future__ import annotations

import strawberry

from core.ids import to_global_id
from models import LeadLabel as LeadLabelModel
from schema.base import Node


@strawberry.type(description="A company-wide lead label, such as Hot, Warm or Cold.")
class LeadLabel(Node):
    id: strawberry.ID = strawberry.field(description="The label's global id.")
    name: str = strawberry.field(description="Unique in the company whatever the case; at most 100 characters.")
    color: str = strawberry.field(description="A colour name such as `red`, or a hex value such as `#ff8800`.")

    @classmethod
    def from_model(cls, label: LeadLabelModel) -> LeadLabel:
        return cls(id=strawberry.ID(to_global_id("LeadLabel", label.id)), name=label.name, color=label.color)
