"""The select lists of the pages whose JSON the database writes (fastpath/pages.py SelectLists):
made once for a plan's sites, dialect, viewer and joins, and bound to each request's clock
(fastpath/sqlexpr.py bind): the activity status's values are the clock's, the rest as made."""

from __future__ import annotations

import datetime as dt

from bench.workloads import INBOX
from domain.next_activity import activity_status_values
from domain.viewer import Viewer
from fastpath.pages import SelectLists
from fastpath.sqlexpr import Clocked, Ctx, bind
from models.base import Role
from tests.read_engine.test_read_engine_plans import _leads_plan

ADMIN = Viewer(user_id=1, company_id=7, role=Role.ADMIN)
SELLER = Viewer(user_id=2, company_id=7, role=Role.REGULAR, team_ids=frozenset({3}), teammate_ids=frozenset({4}))
MORNING = dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC)
EVENING = dt.datetime(2026, 12, 7, 20, 30, 15, 250, tzinfo=dt.UTC)


def test_a_select_list_is_made_once_per_viewer_and_bound_to_each_clock() -> None:
    sites = _leads_plan(INBOX, {"first": 100}).json_sites
    assert sites is not None
    lists = SelectLists(maxsize=3)
    for postgres in (True, False):
        made, width = lists.columns(sites, Ctx(postgres, ADMIN), ())
        assert made is not None and width == sum(s.width for s in sites)
        assert lists.columns(sites, Ctx(postgres, ADMIN), ())[0] is made  # kept
        # Made without a clock: its activity status's values are read when bound.
        assert sum(type(p) is Clocked for p in made.params) == 3
        morning, evening = bind(made, MORNING), bind(made, EVENING)
        assert morning.text == evening.text == made.text
        assert not any(type(p) is Clocked for p in morning.params)
        changed = [(a, b) for a, b in zip(morning.params, evening.params, strict=True) if a != b]
        assert changed == list(
            zip(activity_status_values(MORNING, postgres), activity_status_values(EVENING, postgres), strict=True)
        )
        # Another viewer has its own (its visibility is in the text, its id in the values).
        seller, _ = lists.columns(sites, Ctx(postgres, SELLER), ())
        assert seller is not None and seller.text != made.text and SELLER.user_id in seller.params
    # Bounded: four lists were made, three are kept.
    assert len(lists.kept) == 3
