"""Content negotiation: the Accept header with q-values and wildcards, against what a resource offers."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; an absent or empty header accepts everything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        q = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers most; ties go to the order of `offers` (our preference).

    A type's quality is that of the most specific range matching it (RFC 9110, 12.5.1); q=0 refuses it.
    """
    if header is not None and len(header) > _REMEMBERED_HEADER:
        return _choose(header, tuple(offers))
    return _remembered_choice(header, tuple(offers))


# Clients send a handful of Accept headers over and over; the choice for each costs more than a request's
# routing. Only short headers are remembered, so that the memory stays small whatever a client sends.
_REMEMBERED_HEADER = 256


@functools.lru_cache(maxsize=1024)
def _remembered_choice(header: str | None, offers: tuple[str, ...]) -> str | None:
    return _choose(header, offers)


def _choose(header: str | None, offers: Sequence[str]) -> str | None:
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for rank, offer in enumerate(offers):
        matching = [r for r in ranges if r.matches(offer)]
        if not matching:
            continue
        top = max(matching, key=lambda r: (r.specificity, r.q))
        # Higher quality first; at equal quality a type the client named beats one it reached by a wildcard.
        key = (top.q, top.specificity, -rank)
        if top.q > 0 and (best is None or key > best):
            best, chosen = key, offer
    return chosen


def choose_language(header: str | None, offers: Sequence[str], default: str) -> str:
    """The offered language the Accept-Language header prefers (by primary subtag: en-GB counts as en)."""
    best, chosen = 0.0, default
    for part in (header or "").split(","):
        tag, *parameters = (field.strip() for field in part.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.lower().split("-", 1)[0]
        if primary in offers and q > best:
            best, chosen = q, primary
    return chosen
