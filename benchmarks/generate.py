"""Seeded generator of synthetic graphs in ikg's vocabulary, for benchmarks and tests only.

Shaped like the real graph: per "city" of 80 measures, 8 action fields with 40 goals, 45 organisations,
5 local funding programmes plus 12 shared ones, 1-3 goals per measure with some goals left unserved,
and the same named graphs. Everything lives under https://ikg.example/synthetic/ and is never written
into graph/ (the generator refuses to).

    python benchmarks/generate.py --measures 10000 --out benchmarks/out/m10000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

BASE = "https://ikg.example/synthetic/"
MEASURES_PER_CITY = 80
SHARED_PROGRAMMES = 12
ORG_TYPES = ("org:FormalOrganization", "org:FormalOrganization", "org:Organization", "org:OrganizationalUnit")
TARGET_GROUPS = (
    "gefluechtete",
    "neuzugewanderte",
    "zugewanderte",
    "ehrenamtliche",
    "junge-menschen",
    "aeltere-menschen",
)
WORDS = (
    "Sprach",
    "Beratungs",
    "Begegnungs",
    "Bildungs",
    "Sport",
    "Kultur",
    "Arbeits",
    "Gesundheits",
    "Wohn",
    "Jugend",
)
KINDS = ("café", "kurs", "projekt", "netzwerk", "angebot", "treff", "werkstatt", "sprechstunde")

PREFIXES = f"""@prefix ikg: <https://ikg.example/leverkusen/def/ikg#> .
@prefix g: <{BASE}graph/> .
@prefix m: <{BASE}id/measure/> .
@prefix o: <{BASE}id/organisation/> .
@prefix p: <{BASE}id/programme/> .
@prefix c: <{BASE}id/concept/> .
@prefix hf: <{BASE}id/action-field/> .
@prefix goal: <{BASE}id/goal/> .
@prefix place: <{BASE}id/place/> .
@prefix report: <{BASE}id/report/> .
@prefix tg: <https://ikg.example/leverkusen/def/target-group/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <http://schema.org/> .
"""


def source(kind: str, n: object) -> str:
    return f"<https://example.org/synthetic/{kind}/{n}>"


def shared_programmes() -> str:
    lines = ["g:programmes {"]
    for p in range(1, SHARED_PROGRAMMES + 1):
        lines.append(
            f"    p:shared-{p:02d} a ikg:FundingProgramme , schema:FundingScheme ; "
            f'skos:prefLabel "Landesprogramm {p}"@de , "State programme {p}"@en ; dct:source {source("programme", p)} .'
        )
    lines.append("}")
    return "\n".join(lines)


def city(rng: random.Random, c: int) -> str:
    k = f"c{c:05d}"
    out: list[str] = []
    scheme = f"c:{k}-konzept"
    fields = [f"hf:{k}-feld-{f}" for f in range(1, 9)]
    goals = [(f"goal:{k}-ziel-{f}-{z}", fields[f - 1]) for f in range(1, 9) for z in range(1, 6)]
    orgs = [f"o:{k}-org-{o:02d}" for o in range(1, 46)]
    programmes = [f"p:{k}-programm-{p}" for p in range(1, 6)]
    shared = [f"p:shared-{p:02d}" for p in range(1, SHARED_PROGRAMMES + 1)]
    place = f"place:{k}-stadt"

    out.append("g:concept {")
    out.append(
        f'    {scheme} a skos:ConceptScheme ; skos:prefLabel "Integrationskonzept {k}"@de ; '
        f'dct:title "Integrationskonzept {k}"@de ; dct:source {source("concept", k)} .'
    )
    for n, field in enumerate(fields, 1):
        out.append(
            f'    {field} a ikg:ActionField , skos:Concept ; skos:prefLabel "Handlungsfeld {n} ({k})"@de ; '
            f'skos:notation "{chr(64 + n)}" ; skos:topConceptOf {scheme} ; skos:inScheme {scheme} ; '
            f"dct:source {source('concept', k)} ."
        )
    for goal, field in goals:
        out.append(
            f'    {goal} a ikg:Goal , skos:Concept ; skos:prefLabel "Ziel {goal[-5:]} ({k})"@de ; '
            f"skos:broader {field} ; skos:inScheme {scheme} ; dct:source {source('concept', k)} ."
        )
    out.append("}")

    out.append("g:organisations {")
    for o in orgs:
        out.append(
            f'    {o} a {rng.choice(ORG_TYPES)} ; skos:prefLabel "Organisation {o[-6:]} ({k})"@de ; '
            f"dct:source {source('org', o[-12:])} ."
        )
    out.append("}")

    out.append("g:programmes {")
    for p in programmes:
        out.append(
            f"    {p} a ikg:FundingProgramme , schema:FundingScheme ; "
            f'skos:prefLabel "Kommunales Programm {p[-1]} ({k})"@de ; '
            f"schema:funder {orgs[0]} ; dct:source {source('programme', p[-14:])} ."
        )
    out.append("}")

    out.append("g:places {")
    out.append(
        f'    {place} a dct:Location , schema:City ; skos:prefLabel "Stadt {k}"@de ; dct:source {source("place", k)} .'
    )
    out.append("}")

    # Some goals stay unserved, as in real reports.
    served = [g for g, _ in goals][: 40 - rng.randint(2, 6)]
    measures, editorial, edition = [], [], []
    for n in range(1, MEASURES_PER_CITY + 1):
        m = f"m:{k}-massnahme-{n:02d}"
        title = f"{rng.choice(WORDS)}{rng.choice(KINDS)} {n} ({k})"
        start = rng.randint(2010, 2024)
        operators = " , ".join(rng.sample(orgs, rng.randint(1, 2)))
        partners = rng.sample(orgs, rng.randint(0, 3))
        chosen = rng.sample(served, rng.randint(1, 3))
        funders = rng.sample(programmes + shared, rng.randint(0, 2))
        lines = [
            f"{m} a ikg:Measure",
            f'skos:prefLabel "{title}"@de , "Measure {n} ({k})"@en',
            f'dct:description "Synthetic measure {n} of {k}, generated for benchmarks."@en',
            f"ikg:operator {operators}",
            f"ikg:servesGoal {' , '.join(chosen)}",
            f"dct:audience tg:{rng.choice(TARGET_GROUPS)}",
            f"dct:spatial {place}",
            f'dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "{start}"^^xsd:gYear ; '
            f'dcat:endDate "{start + rng.randint(0, 6)}"^^xsd:gYear ]',
            f"dct:source {source('measure', f'{k}-{n}')}",
        ]
        if partners:
            lines.append(f"ikg:partner {' , '.join(partners)}")
        if funders:
            lines.append(f"schema:funder {' , '.join(funders)}")
        measures.append("    " + " ;\n        ".join(lines) + " .")
        field = dict(goals)[chosen[0]]
        editorial.append(f"    {m} ikg:actionField {field} .")
        if n % 2:
            edition.append(
                f"    {m} dct:isReferencedBy report:{k}-statusbericht-2024 ; ikg:operator {operators.split(' , ')[0]} ."
            )
    out += ["g:measures {", *measures, "}", "g:editorial {", *editorial, "}"]
    out.append("g:report-2024 {")
    out.append(
        f'    report:{k}-statusbericht-2024 a schema:Report ; skos:prefLabel "Statusbericht 2024 ({k})"@de ; '
        f"dct:creator {orgs[0]} ; dct:source {source('report', k)} ."
    )
    out += [*edition, "}"]
    return "\n".join(out)


def generate(measures: int, out: Path, seed: int = 2024) -> list[Path]:
    if out.resolve().is_relative_to((Path(__file__).resolve().parent.parent / "graph").resolve()):
        raise SystemExit("refusing to write synthetic data into graph/: it is for benchmarks and tests only")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    cities = max(1, measures // MEASURES_PER_CITY)
    paths = [out / "shared.trig"]
    paths[0].write_text(PREFIXES + shared_programmes() + "\n", encoding="utf-8")
    per_file = 50
    for start in range(1, cities + 1, per_file):
        path = out / f"cities-{start:05d}.trig"
        body = "\n".join(city(rng, c) for c in range(start, min(cities, start + per_file - 1) + 1))
        path.write_text(PREFIXES + body + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=80)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    paths = generate(args.measures, args.out, args.seed)
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
