"""Adding the triples that clients without inference need: super-properties and super-classes.

Every rdfs:subPropertyOf and rdfs:subClassOf axiom in the vocabulary graph (ikg's own alignments and
the few restated from ORG and SKOS) is applied once, transitively, in the named graph where the
original statement stands, so `GRAPH ?g` queries see the inferred triple next to its origin.
"""

from __future__ import annotations

import pyoxigraph as ox

from .sources import VOCABULARY_GRAPH

_SUPER_PROPERTIES = f"""
INSERT {{ GRAPH ?g {{ ?s ?super ?o }} }}
WHERE {{
    GRAPH <{VOCABULARY_GRAPH}> {{ ?p <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>+ ?super }}
    GRAPH ?g {{ ?s ?p ?o }}
}}"""

_SUPER_CLASSES = f"""
INSERT {{ GRAPH ?g {{ ?s a ?super }} }}
WHERE {{
    GRAPH <{VOCABULARY_GRAPH}> {{ ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?super }}
    GRAPH ?g {{ ?s a ?class }}
}}"""


def materialise(store: ox.Store) -> int:
    """Adds the inferred triples to the store and returns how many quads were added."""
    before = len(store)
    store.update(_SUPER_PROPERTIES)
    store.update(_SUPER_CLASSES)
    return len(store) - before
