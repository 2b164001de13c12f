"""Lists of distinct requests generated from a graph, the way users send them, for benchmarks/endpoint.py.

Every entry is one question asked two ways: as ikg offers it (a named query, plain SPARQL, or dereferencing
the IRI) and as the equivalent SPARQL for a plain SPARQL server, with the parameters written into the text
as a user writing the query would. Where ikg offers two ways, entries alternate between them, so that each
text is sent once. Lists are shuffled with a fixed seed, so every server gets the same order.

- lookups: the measures of every organisation and the measures serving every goal;
- labels: a label search for every distinct word of the labels (both languages);
- pages: the list of measures, page by page (20 a page) to its end;
- descriptions: every IRI of the graph that dereferences, described;
- crawler: every such IRI dereferenced once (ikg: `GET /id/…`; peers: the description as a CONSTRUCT);
- mixed: the four kinds above in equal shares, shuffled;
- repeated: one lookup sent over and over — a *cache* figure, not a distinct-query one.
"""

from __future__ import annotations

import gzip
import random
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

SELECT_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
PAGE_SIZE = 20
DEREFERENCEABLE = ("id", "source", "def", "graph", "project")  # ikg's dereference.DEREFERENCEABLE
VOCABULARY = "def/ikg"  # served apart (the vocabulary document), not a resource description
SKOS_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


@dataclass(frozen=True)
class Request:
    """What wrk sends: the path with its query string, and the Accept header."""

    path: str
    accept: str


@dataclass(frozen=True)
class Entry:
    kind: str
    ikg: Request
    peer: Request


@dataclass(frozen=True)
class Graph:
    """What the lists are generated from: the IRIs that dereference and every label with its language."""

    base: str
    iris: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]

    def under(self, folder: str) -> list[str]:
        return [iri for iri in self.iris if iri.startswith(f"{self.base}{folder}/")]


def read_graph(dump: Path, base: str) -> Graph:
    """The graph of an ikg dump (N-Quads, gzipped), read once in this process."""
    store = ox.Store()
    store.bulk_load(gzip.decompress(dump.read_bytes()), format=ox.RdfFormat.N_QUADS)
    prefixes = tuple(f"{base}{folder}/" for folder in DEREFERENCEABLE)
    iris: set[str] = set()
    labels: set[tuple[str, str]] = set()
    for quad in store:
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(prefixes) and "#" not in term.value:
                iris.add(term.value)
        if quad.predicate == SKOS_LABEL and isinstance(quad.object, ox.Literal) and quad.object.language:
            labels.add((quad.object.value, quad.object.language))
    iris.discard(f"{base}{VOCABULARY}")
    return Graph(base, tuple(sorted(iris)), tuple(sorted(labels)))


def written_in(text: str, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with each parameter written in as an RDF term, as a user would write it: a projected
    variable becomes `(term AS ?v)`, every other occurrence the term itself."""
    head, where, body = text.partition("WHERE")
    for name, term in values.items():
        variable = re.compile(rf"[?$]{name}\b")
        if head.lstrip().startswith("CONSTRUCT") or "SELECT" not in head:
            head = variable.sub(str(term), head)
        else:
            head = variable.sub(f"({term} AS ?{name})", head)
        body = variable.sub(str(term), body)
    return head + where + body


def sparql(endpoint: str, query: str) -> Request:
    accept = TURTLE if re.search(r"^\s*CONSTRUCT\b", query, re.MULTILINE) else SELECT_RESULTS
    return Request(f"{endpoint}?{urllib.parse.urlencode({'query': query})}", accept)


class Lists:
    """The lists for one graph. `queries` maps a named query's name to its text (the parameters still as
    variables, integers as `${name}`), as ikg serves it under the graph's base."""

    def __init__(self, graph: Graph, queries: dict[str, str], peer_endpoint: str, seed: int = 16) -> None:
        self.graph = graph
        self.queries = queries
        self.peer_endpoint = peer_endpoint
        self.seed = seed

    def _entry(
        self, kind: str, index: int, name: str, terms: dict[str, ox.NamedNode | ox.Literal], integers: dict[str, int]
    ) -> Entry:
        text = self.queries[name]
        for key, number in integers.items():
            text = text.replace(f"${{{key}}}", str(number))
        query = written_in(text, terms)
        if index % 2:
            ikg = sparql("/sparql", query)
        else:
            params = {key: term.value for key, term in terms.items()} | {k: str(n) for k, n in integers.items()}
            ikg = Request(f"/queries/{name}?{urllib.parse.urlencode(params)}", sparql("/sparql", query).accept)
        return Entry(kind, ikg, sparql(self.peer_endpoint, query))

    def lookups(self) -> list[Entry]:
        named = [("measures-of-organisation", "organisation", iri) for iri in self.graph.under("id/organisation")]
        named += [("measures-serving-goal", "goal", iri) for iri in self.graph.under("id/goal")]
        return self._shuffled(
            self._entry("lookups", i, name, {parameter: ox.NamedNode(iri)}, {})
            for i, (name, parameter, iri) in enumerate(named)
        )

    def labels(self) -> list[Entry]:
        terms = sorted(
            {
                (word, lang)
                for label, lang in self.graph.labels
                for word in re.findall(r"\w{3,}", label.lower())
                if lang in ("de", "en")
            }
        )
        return self._shuffled(
            self._entry("labels", i, "label-search", {"text": ox.Literal(word), "lang": ox.Literal(lang)}, {})
            for i, (word, lang) in enumerate(terms)
        )

    def pages(self) -> list[Entry]:
        measures = len(self.graph.under("id/measure"))
        return self._shuffled(
            self._entry("pages", i, "measures-page", {}, {"limit": PAGE_SIZE, "offset": offset})
            for i, offset in enumerate(range(0, measures, PAGE_SIZE))
        )

    def descriptions(self) -> list[Entry]:
        entries = []
        for i, iri in enumerate(self.graph.iris):
            query = self._description(iri)
            ikg = self._dereference(iri) if i % 2 == 0 else sparql("/sparql", query)
            entries.append(Entry("descriptions", ikg, sparql(self.peer_endpoint, query)))
        return self._shuffled(entries)

    def crawler(self) -> list[Entry]:
        return self._shuffled(
            Entry("crawler", self._dereference(iri), sparql(self.peer_endpoint, self._description(iri)))
            for iri in self.graph.iris
        )

    def mixed(self, share: int) -> list[Entry]:
        """`share` entries of each kind (fewer where a kind has fewer), shuffled together."""
        kinds: tuple[Callable[[], list[Entry]], ...] = (self.lookups, self.labels, self.pages, self.descriptions)
        return self._shuffled(entry for make in kinds for entry in make()[:share])

    def repeated(self, times: int) -> list[Entry]:
        return [self.lookups()[0]] * times

    def _description(self, iri: str) -> str:
        return written_in(self.queries["resource-description"], {"resource": ox.NamedNode(iri)})

    def _dereference(self, iri: str) -> Request:
        return Request("/" + iri.removeprefix(self.graph.base), TURTLE)

    def _shuffled(self, entries: Iterable[Entry]) -> list[Entry]:
        listed = list(entries)
        random.Random(self.seed).shuffle(listed)
        return listed


def written(path: Path, requests: list[Request]) -> Path:
    """The list as wrk's distinct.lua reads it: one request a line, path and Accept split by a tab."""
    path.write_text("".join(f"{r.path}\t{r.accept}\n" for r in requests), encoding="utf-8")
    return path
