"""fastpath/leads.py writes a lead's, its person's and its organization's declared fields
(domain.fields) from their records: each kind as the GraphQL types' ``from_model`` reads it
(schema.declared.read)."""

from __future__ import annotations

from types import SimpleNamespace

from domain.fields import Field, Kind
from fastpath.compiler import HELPERS
from fastpath.leads import declared
from schema.declared import read


def test_a_global_id_field_is_written_as_the_type_reads_it() -> None:
    # No such field of a lead, person or organization is declared yet (a deal's sourceLeadId is one;
    # the deal's writer is derived from its type): one entry must be enough to add one.
    f = Field("sourceDealId", Kind.GLOBAL_ID, "The deal the lead came from.", ref="Deal")
    (entry,) = declared([f], "s").values()
    for key in (7, None):
        record = SimpleNamespace(source_deal_id=key)
        written = eval(entry, dict(HELPERS), {"s": record})  # the compiler runs the entry the same way
        assert written == read(f, record)
        assert (written is None) == (key is None)
