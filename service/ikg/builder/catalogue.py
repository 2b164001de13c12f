"""The DCAT-AP.de 3.0 catalogue: the knowledge graph, its report editions, their dumps and the SPARQL service.

Built with the graph (`ikg build`) from the publisher's settings, the dumps just written and the report
editions found in the data, so the catalogue always describes exactly the files and the endpoint served.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .publication_config import PublicationConfig

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DCATDE = "http://dcat-ap.de/def/dcatde/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
PREFIXES = {
    "dcat": DCAT,
    "dcterms": DCT,
    "dcatde": DCATDE,
    "dcatap": "http://data.europa.eu/r5r/",
    "foaf": FOAF,
    "vcard": VCARD,
    "spdx": SPDX,
    "xsd": XSD,
    "void": "http://rdfs.org/ns/void#",
}
# The EU file-type authority's code for each dump format.
FILE_TYPES = {
    "turtle": "RDF_TURTLE",
    "trig": "RDF_TRIG",
    "nquads": "RDF_N_QUADS",
    "ntriples": "RDF_N_TRIPLES",
    "jsonld": "JSON_LD",
    "rdfxml": "RDF_XML",
}
FORMAT_LABELS = {
    "turtle": "Turtle",
    "trig": "TriG",
    "nquads": "N-Quads",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF/XML",
}


@dataclass(frozen=True)
class Profile:
    """Where DCAT-AP.de 2.0 and 3.0 disagree, so that one catalogue cannot satisfy both."""

    byte_size_type: str
    checksums: bool


PROFILES = {
    # 3.0 (DCAT-AP 3.0): byte sizes as xsd:nonNegativeInteger, SHA-256 checksums with SPDX's algorithm IRI.
    "dcat-ap-de-3.0": Profile("nonNegativeInteger", checksums=True),
    # 2.0 (DCAT-AP 2.1.1): byte sizes as xsd:decimal; checksum algorithms only from dcat-ap.de's own list
    # (deprecated in 3.0), whose SHA-256 entry no source at hand names, so no checksums rather than a guess.
    "dcat-ap-de-2.0": Profile("decimal", checksums=False),
}


@dataclass(frozen=True)
class Edition:
    """A status report edition found in the data: its resource, the named graph holding it, and its year."""

    report: str
    graph: str
    year: str
    dump: dict


@dataclass(frozen=True)
class CatalogueInput:
    base: str
    config: PublicationConfig
    dumps: list[dict]
    editions: list[Edition]
    modified: str  # the date the data last changed
    coverage: tuple[str, str]  # first and last year the data covers


def iris(base: str) -> dict[str, str]:
    """The catalogue's resources: the document itself and hash IRIs in it, so every one dereferences."""
    catalogue = f"{base}catalog"
    return {
        "catalogue": catalogue,
        "graph": f"{catalogue}#knowledge-graph",
        "series": f"{catalogue}#status-reports",
        "service": f"{catalogue}#sparql-service",
        "contact": f"{catalogue}#contact",
    }


class _Triples:
    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []
        self._blank = 0

    def add(self, subject: str | ox.BlankNode, predicate: str, value: ox.NamedNode | ox.Literal | ox.BlankNode) -> None:
        node = ox.NamedNode(subject) if isinstance(subject, str) else subject
        self.triples.append(ox.Triple(node, ox.NamedNode(predicate), value))

    def link(self, subject: str | ox.BlankNode, predicate: str, target: str) -> None:
        self.add(subject, predicate, ox.NamedNode(target))

    def text(self, subject: str | ox.BlankNode, predicate: str, texts: dict[str, str]) -> None:
        for lang, text in texts.items():
            self.add(subject, predicate, ox.Literal(text, language=lang))

    def typed(self, subject: str | ox.BlankNode, predicate: str, value: str, datatype: str) -> None:
        self.add(subject, predicate, ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)))

    def blank(self) -> ox.BlankNode:
        # Named, not random, so that the same build input gives the same catalogue.
        self._blank += 1
        return ox.BlankNode(f"b{self._blank}")


def build_catalogue(given: CatalogueInput, profile: str = "dcat-ap-de-3.0") -> list[ox.Triple]:
    out = _Triples()
    names = iris(given.base)
    config = given.config
    publisher = f"{given.base}{config.publisher_resource}"
    endpoint = f"{given.base}sparql"

    out.link(names["catalogue"], RDF_TYPE, DCAT + "Catalog")
    out.text(
        names["catalogue"],
        DCT + "title",
        {"de": "Integrations-Wissensgraph Leverkusen", "en": "Integration knowledge graph Leverkusen"},
    )
    out.text(
        names["catalogue"],
        DCT + "description",
        {
            "de": "Daten zur Integrationsarbeit der Stadt Leverkusen als verknüpfte Daten: der Wissensgraph, "
            "seine Ausgaben je Statusbericht und sein SPARQL-Endpunkt.",
            "en": "Data on the City of Leverkusen's integration work as linked data: the knowledge graph, its "
            "editions per status report and its SPARQL endpoint.",
        },
    )
    out.link(names["catalogue"], DCT + "publisher", publisher)
    out.link(names["catalogue"], DCT + "language", EU + "language/DEU")
    out.link(names["catalogue"], FOAF + "homepage", given.base)
    out.link(names["catalogue"], DCT + "license", config.licence.iri)
    out.link(names["catalogue"], DCAT + "themeTaxonomy", EU + "data-theme")
    out.link(names["catalogue"], DCT + "spatial", config.catalogue.spatial)
    out.typed(names["catalogue"], DCT + "modified", given.modified, "date")
    out.link(names["catalogue"], DCAT + "service", names["service"])

    _agent(out, publisher, config)
    out.link(config.catalogue.spatial, RDF_TYPE, DCT + "Location")
    _contact(out, names["contact"], config)

    datasets = [(names["graph"], config.catalogue.identifier)]
    _dataset(out, given, names["graph"], config.catalogue.identifier, _GRAPH_TEXTS, given.coverage)
    _distributions(out, given, names["graph"], given.dumps, profile)
    _sparql_distribution(out, given, names["graph"], endpoint, names["service"])

    _series(out, given, names["series"])
    datasets.append((names["series"], f"{config.catalogue.identifier}-status-reports"))
    for edition in given.editions:
        iri = f"{names['catalogue']}#status-report-{edition.year}"
        identifier = f"{config.catalogue.identifier}-status-report-{edition.year}"
        _dataset(out, given, iri, identifier, _edition_texts(edition.year), (edition.year, edition.year))
        out.link(iri, DCAT + "inSeries", names["series"])
        out.link(iri, DCT + "relation", edition.report)
        _distributions(out, given, iri, [edition.dump], profile)
        _sparql_distribution(out, given, iri, endpoint, names["service"])
        datasets.append((iri, identifier))
    for iri, _identifier in datasets:
        out.link(names["catalogue"], DCAT + "dataset", iri)

    _service(out, given, names["service"], endpoint, publisher, [iri for iri, _ in datasets if iri != names["series"]])
    return out.triples


_GRAPH_TEXTS = {
    "title": {"de": "Integrations-Wissensgraph Leverkusen", "en": "Integration knowledge graph Leverkusen"},
    "description": {
        "de": "Maßnahmen, Organisationen, Förderprogramme, Handlungsfelder und Ziele des Integrationskonzepts der "
        "Stadt Leverkusen (2017; eine Fortschreibung 2019 ist unsicher belegt) als RDF. Jede Aussage ist auf ihre "
        "öffentliche Quelle zurückzuführen oder als Zuordnung der Redaktion gekennzeichnet; unsichere und "
        "erschlossene Aussagen tragen ihre Begründung. Die vollständige Maßnahmenliste des Statusberichts 2024 war "
        "nicht öffentlich; der Graph enthält, was öffentliche Quellen belegen.",
        "en": "Measures, organisations, funding programmes, action fields and goals of the City of Leverkusen's "
        "integration concept (2017; an update in 2019 is uncertain) as RDF. Every statement is traceable to its "
        "public source or marked as the editors' own; uncertain and inferred statements carry their reason. The "
        "full list of measures of the 2024 status report was not public; the graph holds what public sources "
        "document.",
    },
}


def _edition_texts(year: str) -> dict[str, dict[str, str]]:
    return {
        "title": {
            "de": f"Integrations-Wissensgraph Leverkusen – Statusbericht {year}",
            "en": f"Integration knowledge graph Leverkusen – status report {year}",
        },
        "description": {
            "de": f"Was öffentliche Quellen über den Statusbericht {year} der Controlling-Gruppe "
            "Integrationskonzept sagen: der Bericht und die Maßnahmen, die sie als darin enthalten nennen.",
            "en": f"What public sources say about the {year} status report of the Controlling-Gruppe "
            "Integrationskonzept: the report and the measures they name as part of it.",
        },
    }


def _agent(out: _Triples, publisher: str, config: PublicationConfig) -> None:
    out.link(publisher, RDF_TYPE, FOAF + "Agent")
    out.text(publisher, FOAF + "name", {"de": config.publisher_name})
    out.link(publisher, DCT + "type", config.publisher_type)
    out.link(publisher, FOAF + "homepage", config.publisher_homepage)


def _contact(out: _Triples, contact: str, config: PublicationConfig) -> None:
    out.link(contact, RDF_TYPE, VCARD + "Kind")  # the shapes do not infer: name the superclass too
    out.link(contact, RDF_TYPE, VCARD + "Organization")
    out.add(contact, VCARD + "fn", ox.Literal(config.contact.name))
    if config.contact.url:
        out.link(contact, VCARD + "hasURL", config.contact.url)
    if config.contact.email:
        out.link(contact, VCARD + "hasEmail", f"mailto:{config.contact.email}")


def _described(out: _Triples, given: CatalogueInput, iri: str, texts: dict[str, dict[str, str]]) -> None:
    """What datasets and the series share: titles, publisher, contact, place and rhythm."""
    config = given.config
    out.text(iri, DCT + "title", texts["title"])
    out.text(iri, DCT + "description", texts["description"])
    out.link(iri, DCT + "publisher", f"{given.base}{config.publisher_resource}")
    out.link(iri, DCAT + "contactPoint", iris(given.base)["contact"])
    out.link(iri, DCT + "spatial", config.catalogue.spatial)
    out.link(iri, DCT + "accrualPeriodicity", EU + "frequency/ANNUAL")


def _dataset(
    out: _Triples,
    given: CatalogueInput,
    iri: str,
    identifier: str,
    texts: dict[str, dict[str, str]],
    coverage: tuple[str, str],
) -> None:
    config = given.config
    out.link(iri, RDF_TYPE, DCAT + "Dataset")
    _described(out, given, iri, texts)
    for theme in config.catalogue.themes:
        out.link(iri, DCAT + "theme", theme)
    out.link(iri, DCATDE + "politicalGeocodingLevelURI", config.catalogue.geocoding_level)
    out.link(iri, DCT + "language", EU + "language/DEU")
    _period(out, iri, coverage)
    out.add(iri, DCT + "identifier", ox.Literal(identifier))
    out.typed(iri, DCT + "modified", given.modified, "date")
    for lang, words in config.catalogue.keywords.items():
        for word in words:
            out.add(iri, DCAT + "keyword", ox.Literal(word, language=lang))
    out.link(iri, DCT + "conformsTo", f"{given.base}def/ikg")
    out.link(iri, DCAT + "landingPage", given.base)


def _period(out: _Triples, iri: str, coverage: tuple[str, str]) -> None:
    period = out.blank()
    out.add(iri, DCT + "temporal", period)
    out.link(period, RDF_TYPE, DCT + "PeriodOfTime")
    out.typed(period, DCAT + "startDate", f"{coverage[0]}-01-01", "date")
    out.typed(period, DCAT + "endDate", f"{coverage[1]}-12-31", "date")


def _series(out: _Triples, given: CatalogueInput, iri: str) -> None:
    out.link(iri, RDF_TYPE, DCAT + "DatasetSeries")
    out.link(iri, RDF_TYPE, DCAT + "Dataset")  # DCAT 3: every series is a dataset; the shapes do not infer it
    _described(
        out,
        given,
        iri,
        {
            "title": {
                "de": "Integrations-Wissensgraph Leverkusen nach Statusberichten",
                "en": "Integration knowledge graph Leverkusen by status report",
            },
            "description": {
                "de": "Eine Ausgabe des Wissensgraphen je Statusbericht der Controlling-Gruppe Integrationskonzept, "
                "zum Vergleich der Berichtsjahre.",
                "en": "One edition of the knowledge graph per status report of the Controlling-Gruppe "
                "Integrationskonzept, to compare report years.",
            },
        },
    )
    years = sorted(e.year for e in given.editions)
    if years:
        _period(out, iri, (years[0], years[-1]))


def _licensed(out: _Triples, given: CatalogueInput, distribution: str) -> None:
    licence = given.config.licence
    out.link(distribution, DCT + "license", licence.iri)
    if licence.attribution:
        out.add(distribution, DCATDE + "licenseAttributionByText", ox.Literal(licence.attribution, language="de"))


# Which dumps keep the evidence, and how: a harvester shows this next to the download.
WITH_GRAPHS = ("trig", "nquads", "jsonld")
_EVIDENCE_IN_DUMPS = {
    True: {
        "de": "Alle benannten Graphen: jede Aussage im Graphen ihrer Beleglage (belegt, redaktionell, unsicher, "
        "abgeleitet), dazu der Graph evidence mit Begründung, Urheber und Herkunft jeder markierten Aussage.",
        "en": "All named graphs: each statement in the graph of its evidence (sourced, editorial, uncertain, "
        "inferred), and the evidence graph with the reason, author and origin of each marked statement.",
    },
    False: {
        "de": "Ohne benannte Graphen: als einfache Tripel nur belegte Aussagen; unsichere, abgeleitete und "
        "redaktionelle Aussagen nur reifiziert (rdf:Statement) mit Beleglage (ikg:evidence) und Begründung "
        "(ikg:reason).",
        "en": "Without named graphs: only sourced statements as plain triples; uncertain, inferred and editorial "
        "statements only reified (rdf:Statement) with their evidence (ikg:evidence) and reason (ikg:reason).",
    },
}


def _distributions(out: _Triples, given: CatalogueInput, dataset: str, dumps: Iterable[dict], profile: str) -> None:
    for dump in dumps:
        distribution = f"{dataset}-{dump['file'].removesuffix('.gz').replace('.', '-')}"
        url = f"{given.base}downloads/{dump['file']}"
        label = FORMAT_LABELS[dump["format"]]
        out.link(dataset, DCAT + "distribution", distribution)
        out.link(distribution, RDF_TYPE, DCAT + "Distribution")
        out.text(
            distribution,
            DCT + "title",
            {"de": f"{dump['file']}: {label}, gzip-komprimiert", "en": f"{dump['file']}: {label}, gzip-compressed"},
        )
        out.text(distribution, DCT + "description", _EVIDENCE_IN_DUMPS[dump["format"] in WITH_GRAPHS])
        out.link(distribution, DCAT + "downloadURL", url)
        out.link(distribution, DCAT + "accessURL", url)
        out.link(distribution, DCT + "format", EU + "file-type/" + FILE_TYPES[dump["format"]])
        out.link(distribution, DCAT + "mediaType", IANA + dump["media_type"])
        out.link(distribution, DCAT + "compressFormat", IANA + "application/gzip")
        out.typed(distribution, DCAT + "byteSize", str(dump["bytes"]), PROFILES[profile].byte_size_type)
        out.typed(distribution, DCT + "modified", given.modified, "date")
        if PROFILES[profile].checksums:
            checksum = out.blank()
            out.add(distribution, SPDX + "checksum", checksum)
            out.link(checksum, RDF_TYPE, SPDX + "Checksum")
            out.link(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
            out.typed(checksum, SPDX + "checksumValue", dump["sha256"], "hexBinary")
        _licensed(out, given, distribution)


def _sparql_distribution(out: _Triples, given: CatalogueInput, dataset: str, endpoint: str, service: str) -> None:
    """Konvention 41: access through the service, its accessURL the endpoint URL, and no downloadURL."""
    distribution = f"{dataset}-sparql"
    out.link(dataset, DCAT + "distribution", distribution)
    out.link(distribution, RDF_TYPE, DCAT + "Distribution")
    out.text(
        distribution,
        DCT + "title",
        {"de": "SPARQL-Endpunkt (SPARQL 1.1 Protocol)", "en": "SPARQL endpoint (SPARQL 1.1 Protocol)"},
    )
    out.link(distribution, DCAT + "accessURL", endpoint)
    out.link(distribution, DCAT + "accessService", service)
    out.link(distribution, DCT + "format", EU + "file-type/SPARQLQ")
    _licensed(out, given, distribution)


def _service(
    out: _Triples, given: CatalogueInput, service: str, endpoint: str, publisher: str, datasets: list[str]
) -> None:
    out.link(service, RDF_TYPE, DCAT + "DataService")
    out.text(
        service,
        DCT + "title",
        {
            "de": "SPARQL-Endpunkt des Integrations-Wissensgraphen Leverkusen",
            "en": "SPARQL endpoint of the integration knowledge graph Leverkusen",
        },
    )
    out.text(
        service,
        DCT + "description",
        {
            "de": "Lesender SPARQL-1.1-Endpunkt; der Standardgraph ist die Vereinigung aller benannten Graphen, "
            "markierte eingeschlossen (GRAPH nennt die Beleglage). CONSTRUCT-Antworten geben markierte Aussagen "
            "reifiziert mit Begründung.",
            "en": "Read-only SPARQL 1.1 endpoint; the default graph is the union of all named graphs, marked ones "
            "included (GRAPH tells the evidence). CONSTRUCT answers give marked statements reified, with reason.",
        },
    )
    out.link(service, DCAT + "endpointURL", endpoint)
    out.link(service, DCAT + "endpointDescription", endpoint)
    out.link(service, DCT + "conformsTo", SPARQL_PROTOCOL)
    out.link(service, DCT + "publisher", publisher)
    out.link(service, DCAT + "contactPoint", iris(given.base)["contact"])
    out.link(service, DCT + "license", given.config.licence.iri)
    for dataset in datasets:
        out.link(service, DCAT + "servesDataset", dataset)
