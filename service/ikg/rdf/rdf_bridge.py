"""Moving RDF terms between pyoxigraph (parsing, storing, querying) and rdflib (what pySHACL reads)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import overload

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == _XSD_STRING else rdflib.URIRef(datatype))


def language(node: Node) -> str | None:
    """A literal's language tag (rdflib types what a graph holds as any node; an IRI has no language)."""
    if not isinstance(node, rdflib.Literal):
        raise TypeError(f"expected a literal, got {node!r}, which has no language")
    return node.language


def union_graph(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """All triples of all graphs in one rdflib graph (duplicates across graphs merge)."""
    graph = rdflib.Graph()
    cache: dict[object, Node] = {}

    def convert(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        node = cache.get(term)
        if node is None:
            node = cache[term] = to_rdflib(term)
        return node

    graph.addN((convert(q.subject), convert(q.predicate), convert(q.object), graph) for q in quads)  # type: ignore[arg-type]
    return graph


@overload
def to_oxigraph(node: rdflib.URIRef) -> ox.NamedNode: ...
@overload
def to_oxigraph(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal: ...
def to_oxigraph(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(node, rdflib.URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, rdflib.BNode):
        return ox.BlankNode(str(node))
    assert isinstance(node, rdflib.Literal)
    if node.language:
        return ox.Literal(str(node), language=node.language)
    if node.datatype:
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
    return ox.Literal(str(node))
