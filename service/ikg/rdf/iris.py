"""The IRI scheme: one canonical base for the source data, rewritten to the public base on build.

The source files in graph/ and vocab/ are written against CANONICAL_BASE and never change with the
host. `ikg build --base-url` (or IKG_BASE_URL) rewrites every IRI under it to the base the graph is
served from, so the same data dereferences on any host, including http://127.0.0.1:PORT in tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

CANONICAL_BASE = "https://ikg.example/leverkusen/"

# Paths below the base; each is a part of the scheme, documented in the README.
ENTITY_PATH = "id/"  # resources the public record describes: id/<class>/<slug>
VOCABULARY_PATH = "def/ikg"  # the vocabulary; its terms are def/ikg#Term
GRAPH_PATH = "graph/"  # named graphs: graph/<name>, report editions graph/report-<year>

ENTITY_CLASSES = (
    "measure",
    "organisation",
    "programme",
    "concept",
    "action-field",
    "goal",
    "place",
    "report",
    "statement",  # a reified statement of the evidence graph, made by the build
    "dataset",  # a Data Cube dataset of the statistics
    "observation",  # one figure of the statistics
    "decision",  # a council decision
    "document",  # a council document (Vorlage)
)


def vocabulary_namespace(base: str = CANONICAL_BASE) -> str:
    return f"{base}{VOCABULARY_PATH}#"


def graph_iri(name: str, base: str = CANONICAL_BASE) -> str:
    return f"{base}{GRAPH_PATH}{name}"


def edition_graph_iri(year: int | str, base: str = CANONICAL_BASE) -> str:
    return graph_iri(f"report-{year}", base)


def normalise_base(url: str) -> str:
    """A base URL ends with exactly one slash, so that appending paths to it is unambiguous."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the base URL must start with http:// or https://, not {url!r}")
    return url.rstrip("/") + "/"


class BaseRewriter:
    """Moves every IRI under one base to another; literals and foreign IRIs stay as they are."""

    def __init__(self, source_base: str, target_base: str) -> None:
        self.source_base = normalise_base(source_base)
        self.target_base = normalise_base(target_base)
        self._cache: dict[ox.NamedNode, ox.NamedNode] = {}

    @property
    def is_identity(self) -> bool:
        return self.source_base == self.target_base

    def iri(self, value: str) -> str:
        if value.startswith(self.source_base):
            return self.target_base + value[len(self.source_base) :]
        return value

    def _node(self, node: ox.NamedNode) -> ox.NamedNode:
        rewritten = self._cache.get(node)
        if rewritten is None:
            rewritten = ox.NamedNode(self.iri(node.value))
            self._cache[node] = rewritten
        return rewritten

    def _term(self, term):
        if isinstance(term, ox.NamedNode):
            return self._node(term)
        if isinstance(term, ox.Literal) and self._is_iri_literal(term):
            return ox.Literal(self.iri(term.value), datatype=term.datatype)
        return term

    def _is_iri_literal(self, literal: ox.Literal) -> bool:
        """A literal that is exactly an IRI under the base (vann:preferredNamespaceUri) names the same thing
        as the IRI does, so it moves with it; prose that merely mentions a URL is left alone."""
        value = literal.value
        return not literal.language and value.startswith(self.source_base) and not any(c.isspace() for c in value)

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        if self.is_identity:
            yield from quads
            return
        for quad in quads:
            yield ox.Quad(
                self._term(quad.subject),
                self._node(quad.predicate),
                self._term(quad.object),
                self._term(quad.graph_name),
            )
