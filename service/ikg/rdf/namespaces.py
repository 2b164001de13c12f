"""The namespaces the graph uses, with the prefixes shown to people and written into dumps."""

from __future__ import annotations

from .iris import CANONICAL_BASE, vocabulary_namespace


def prefixes(base: str = CANONICAL_BASE) -> dict[str, str]:
    return {
        "ikg": vocabulary_namespace(base),
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dct": "http://purl.org/dc/terms/",
        "dcat": "http://www.w3.org/ns/dcat#",
        "prov": "http://www.w3.org/ns/prov#",
        "org": "http://www.w3.org/ns/org#",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "schema": "http://schema.org/",
        "bibo": "http://purl.org/ontology/bibo/",
        "vann": "http://purl.org/vocab/vann/",
        "sh": "http://www.w3.org/ns/shacl#",
    }


def compact(iri: str, base: str = CANONICAL_BASE) -> str:
    """`http://purl.org/dc/terms/source` → `dct:source`; IRIs outside the known namespaces stay whole."""
    for prefix, namespace in prefixes(base).items():
        if iri.startswith(namespace) and iri[len(namespace) :].replace("-", "").replace("_", "").isalnum():
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
