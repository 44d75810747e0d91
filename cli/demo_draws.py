"""Names the demo draws that must stay unique however large the demo gets.

The word lists give about a thousand organization names per country; a demo of 10,000 leads
wants 2,000 organizations, mostly Swedish, and redrawing until a free name turns up would
never end. :class:`OrganizationNames` redraws a few times (so small demos look as before),
then numbers the name, with a counter that only grows: it cannot run out.
"""

from __future__ import annotations

import random

from cli import demo_data as words

# Random draws before a name gets a number. At 3,000 leads (600 organizations) a free name is
# always found well within this, so the default demo is the same as it always was.
REDRAWS = 50


class OrganizationNames:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.numbered = 0

    def draw(self, country: words.Country) -> str:
        rng = self.rng
        for _ in range(REDRAWS):
            name = f"{rng.choice(words.ORG_STEMS)} {rng.choice(words.ORG_TRADES)} {rng.choice(country.legal_forms)}"
            if name not in self.taken:
                break
        else:
            # "Nordvik Logistics 12 AB": a word list's name never has a number, and the counter
            # never repeats, so this name is new.
            self.numbered += 1
            stem, trade = rng.choice(words.ORG_STEMS), rng.choice(words.ORG_TRADES)
            name = f"{stem} {trade} {self.numbered} {rng.choice(country.legal_forms)}"
        self.taken.add(name)
        return name
