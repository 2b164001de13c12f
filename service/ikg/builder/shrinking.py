"""A build that would take much of the publication away needs consent before it replaces the served one.

Harvesters mirror what the catalogue lists and delete what disappears from it, so a build that lost its
measures (an emptied graph/ folder, a half-copied export) does real harm once it is served. The build
is compared with the one it replaces: no measures left, more than a quarter of the measures or of the
resources gone, or any report edition (a dataset of the catalogue) gone, and it is refused unless the
operator allows it (`ikg build --allow-shrink`, `IKG_ALLOW_SHRINK=1`, `POST /admin/reload?allow_shrink=1`).
A quarter: an edition's yearly update adds and retires measures by the dozen, not by the hundred; a loss
of that size is a mistake far more often than a decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from .manifest import Manifest

SHRINK_LIMIT = 0.25

WORDS = {
    "de": {
        "no_measures": "Der neue Stand enthält keine Maßnahmen (bisher {old}).",
        "measures": "Der neue Stand enthält {new} Maßnahmen, {share} % weniger als bisher ({old}).",
        "resources": "Der neue Stand enthält {new} Ressourcen, {share} % weniger als bisher ({old}).",
        "editions": "Diese Berichtsausgaben fielen aus dem Katalog: {years}.",
        "consent": "Nicht übernommen; wenn das gewollt ist: {how}.",
    },
    "en": {
        "no_measures": "The new build has no measures (the served one has {old}).",
        "measures": "The new build has {new} measures, {share} % fewer than the served one ({old}).",
        "resources": "The new build has {new} resources, {share} % fewer than the served one ({old}).",
        "editions": "These report editions would disappear from the catalogue: {years}.",
        "consent": "Not taken over; if this is intended: {how}.",
    },
}


@dataclass(frozen=True)
class Loss:
    kind: str  # "no_measures", "measures", "resources" or "editions"
    old: int
    new: int
    years: tuple[str, ...] = ()

    def render(self, lang: str) -> str:
        words = WORDS.get(lang, WORDS["en"])
        share = round(100 * (self.old - self.new) / self.old) if self.old else 0
        return words[self.kind].format(old=self.old, new=self.new, share=share, years=", ".join(self.years))


class ShrinkError(ValueError):
    """The build would take too much away; nothing was replaced."""

    def __init__(self, losses: list[Loss], how: str) -> None:
        super().__init__("; ".join(loss.render("en") for loss in losses))
        self.losses = losses
        self.how = how

    def lines(self, lang: str) -> list[str]:
        words = WORDS.get(lang, WORDS["en"])
        return [loss.render(lang) for loss in self.losses] + [words["consent"].format(how=self.how)]


def losses(served: Manifest, new: Manifest, limit: float = SHRINK_LIMIT) -> list[Loss]:
    """What the `new` build's manifest loses against the `served` one's, beyond what needs no consent."""
    found: list[Loss] = []
    old_measures, new_measures = served.measures, new.measures
    if new_measures == 0 and old_measures > 0:
        found.append(Loss("no_measures", old_measures, 0))
    elif _shrank(old_measures, new_measures, limit):
        found.append(Loss("measures", old_measures, new_measures))
    old_resources, new_resources = served.statistics["entities"], new.statistics["entities"]
    if _shrank(old_resources, new_resources, limit):
        found.append(Loss("resources", old_resources, new_resources))
    gone = sorted(served.edition_years - new.edition_years)
    if gone:
        found.append(Loss("editions", len(served.edition_years), len(new.edition_years), tuple(gone)))
    return found


def _shrank(old: int, new: int, limit: float) -> bool:
    return old > 0 and (old - new) / old > limit
