"""`ikg build`: validated dumps in every format with checksums, deterministic, atomic, on any base URL."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
import rdflib

from conftest import BASE, run_ikg

FORMATS = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


def _manifest(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


def test_build_prints_counts_per_class(tmp_path: Path) -> None:
    # A fresh folder: a fixed one is shared with other runs, whose build the shrink guard would defend.
    result = run_ikg("build", "--lang", "en", "--dist", str(tmp_path / "dist"))
    assert "measures: 66" in result.stdout
    assert "action fields: 8" in result.stdout
    assert "organisations: 92" in result.stdout
    assert "funding programmes: 34" in result.stdout


@pytest.mark.parametrize("suffix", FORMATS)
def test_every_dump_parses_and_holds_the_graph(built: Path, suffix: str) -> None:
    data = gzip.decompress((built / f"ikg.{suffix}.gz").read_bytes())
    if suffix in ("trig", "nq", "jsonld"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=FORMATS[suffix])
        graph = rdflib.Graph()
        for s, p, o, _g in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph = rdflib.Graph().parse(data=data, format=FORMATS[suffix])
    measure = rdflib.URIRef(f"{BASE}id/measure/service-point-integration")
    assert (measure, rdflib.RDF.type, rdflib.URIRef(f"{BASE}def/ikg#Measure")) in graph
    assert len(graph) > 3000


@pytest.mark.parametrize("suffix", FORMATS)
def test_every_dump_has_a_matching_sha256(built: Path, suffix: str) -> None:
    name = f"ikg.{suffix}.gz"
    digest = hashlib.sha256((built / name).read_bytes()).hexdigest()
    assert (built / f"{name}.sha256").read_text() == f"{digest}  {name}\n"
    assert {d["file"]: d["sha256"] for d in _manifest(built)["dumps"]}[name] == digest


def test_named_graphs_survive_in_trig(built: Path) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=gzip.decompress((built / "ikg.trig.gz").read_bytes()), format="trig")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert {f"{BASE}graph/{n}" for n in ("measures", "editorial", "uncertain", "inferred", "report-2024")} <= names


def test_build_materialises_super_properties_for_clients_without_inference(built: Path) -> None:
    graph = rdflib.Graph().parse(data=gzip.decompress((built / "ikg.nt.gz").read_bytes()), format="nt")
    measure = rdflib.URIRef(f"{BASE}id/measure/service-point-integration")
    ki = rdflib.URIRef(f"{BASE}id/organisation/kommunales-integrationszentrum")
    assert (measure, rdflib.URIRef("http://www.w3.org/ns/prov#wasAssociatedWith"), ki) in graph
    assert (measure, rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#Activity")) in graph
    assert (measure, rdflib.RDFS.label, None) in graph


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run_ikg("build", "--dist", str(again)).returncode == 0
    for path in sorted(built.iterdir()):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_base_url_rewrites_every_iri_of_the_namespace(tmp_path: Path) -> None:
    dist = tmp_path / "local"
    assert run_ikg("build", "--dist", str(dist), "--base-url", "http://127.0.0.1:8765").returncode == 0
    text = gzip.decompress((dist / "ikg.nq.gz").read_bytes()).decode()
    assert "https://ikg.example/leverkusen/" not in text
    assert "<http://127.0.0.1:8765/id/measure/service-point-integration>" in text
    assert "<http://127.0.0.1:8765/def/ikg#Measure>" in text
    assert _manifest(dist)["base"] == "http://127.0.0.1:8765/"


def test_failed_build_leaves_the_previous_dist_untouched(project: Path) -> None:
    dist = project / "dist"
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    measures = project / "graph" / "measures.trig"
    broken = measures.read_text(encoding="utf-8").replace(
        "ikg:operator o:job-service-leverkusen ;", "ikg:operator p:komm-an-nrw ;"
    )
    measures.write_text(broken, encoding="utf-8")
    result = run_ikg("build", "--root", str(project), "--dist", str(dist))
    assert result.returncode == 1
    assert "ikg:operator" in result.stdout
    assert {p.name: p.read_bytes() for p in dist.iterdir()} == before
    assert sorted(p.name for p in project.iterdir()) == ["dist", "graph", "publication.toml", "shapes", "vocab"]


def test_build_with_a_syntax_error_writes_nothing(project: Path) -> None:
    (project / "graph" / "measures.trig").write_text("g:measures { m:x a ", encoding="utf-8")
    dist = project / "dist"
    result = run_ikg("build", "--root", str(project), "--dist", str(dist))
    assert result.returncode == 1
    assert not dist.exists()


def test_base_url_must_be_http(tmp_path: Path) -> None:
    result = run_ikg("build", "--dist", str(tmp_path / "d"), "--base-url", "ftp://example.org/")
    assert result.returncode == 2
    assert "must start with http:// or https://" in result.stderr


def _age(project: Path, when: float) -> None:
    for path in project.rglob("*"):
        os.utime(path, (when, when))


def test_modified_is_the_date_the_data_last_changed_not_the_build_date(project: Path) -> None:
    _age(project, 1_577_880_000)  # 2020-01-01 12:00 UTC
    dist = project / "dist"
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    assert _manifest(dist)["modified"] == "2020-01-01"
    assert '"2020-01-01"^^xsd:date' in (dist / "catalog.ttl").read_text(encoding="utf-8")


def test_a_rebuild_of_unchanged_data_keeps_modified(project: Path) -> None:
    _age(project, 1_577_880_000)
    dist = project / "dist"
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    first = (dist / "catalog.ttl").read_bytes()
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    assert (dist / "catalog.ttl").read_bytes() == first


def test_changed_data_moves_modified(project: Path) -> None:
    _age(project, 1_577_880_000)
    measures = project / "graph" / "measures.trig"
    measures.write_text(measures.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    dist = project / "dist"
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    assert _manifest(dist)["modified"] > "2020-01-01"


def test_the_catalogue_lists_every_dump_of_the_build(built: Path) -> None:
    catalogue = (built / "catalog.ttl").read_text(encoding="utf-8")
    for dump in _manifest(built)["dumps"]:
        assert f"/downloads/{dump['file']}>" in catalogue
        assert f'"{dump["sha256"]}"^^xsd:hexBinary' in catalogue


def test_each_report_edition_gets_a_dump_of_its_graph(built: Path) -> None:
    assert _manifest(built)["editions"][0]["year"] == "2024"
    graph = rdflib.Graph().parse(data=gzip.decompress((built / "ikg-report-2024.ttl.gz").read_bytes()), format="turtle")
    report = rdflib.URIRef("https://ikg.example/leverkusen/id/report/statusbericht-2024")
    assert (report, rdflib.RDF.type, rdflib.URIRef("http://schema.org/Report")) in graph


def test_a_missing_publisher_setting_fails_the_build_by_name(project: Path) -> None:
    settings = project / "publication.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[contact]", "[kontakt]"), encoding="utf-8")
    result = run_ikg("build", "--root", str(project), "--dist", str(project / "dist"))
    assert result.returncode == 2
    assert "publication.toml: the setting 'contact' is missing" in result.stderr
    assert not (project / "dist").exists()


def test_progress_is_told_in_plain_lines_when_not_on_a_terminal(tmp_path: Path) -> None:
    result = run_ikg("build", "--dist", str(tmp_path / "d"), "--lang", "en")
    lines = [line for line in result.stderr.splitlines() if line.startswith("ikg build:")]
    assert [line.split(" (")[0] for line in lines] == [
        "ikg build: 1/4 read and validated",
        "ikg build: 2/4 materialised",
        "ikg build: 3/4 dumps written",
        "ikg build: 4/4 catalogue and VoID written",
    ]


def test_progress_is_a_bar_on_a_terminal() -> None:
    import io

    from ikg.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    steps = Progress("ikg build", ("eins", "zwei"), screen)
    steps.step()
    steps.step()
    assert screen.getvalue().startswith("\rikg build [############------------] 1/2 eins")
    assert "\rikg build [########################] 2/2 zwei" in screen.getvalue()
    assert screen.getvalue().endswith("\n")


def test_a_build_without_measures_does_not_replace_the_served_one(project: Path) -> None:
    dist = project / "dist"
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    before = _manifest(dist)
    for file in (project / "graph").iterdir():
        file.unlink()
    result = run_ikg("build", "--root", str(project), "--dist", str(dist), "--lang", "en")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "The new build has no measures (the served one has 66)." in result.stdout
    assert "--allow-shrink" in result.stdout
    assert _manifest(dist) == before


def test_a_build_dropping_a_report_edition_is_refused(project: Path) -> None:
    dist = project / "dist"
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    years = [e["year"] for e in _manifest(dist)["editions"]]
    assert years, "the project's graph has report editions"
    (project / "dist" / "manifest.json").write_text(
        json.dumps({**_manifest(dist), "editions": [*_manifest(dist)["editions"], {"year": "1999"}]}),
        encoding="utf-8",
    )
    result = run_ikg("build", "--root", str(project), "--dist", str(dist), "--lang", "en")
    assert result.returncode == 3
    assert "These report editions would disappear from the catalogue: 1999." in result.stdout


def test_allow_shrink_lets_a_smaller_build_in(project: Path) -> None:
    dist = project / "dist"
    assert run_ikg("build", "--root", str(project), "--dist", str(dist)).returncode == 0
    for file in (project / "graph").iterdir():
        file.unlink()
    result = run_ikg("build", "--root", str(project), "--dist", str(dist), "--allow-shrink")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _manifest(dist)["statistics"]["domain"]["measures"] == 0


def test_a_build_removes_what_killed_builds_left_and_keeps_what_running_ones_use(project: Path) -> None:
    ended = subprocess.Popen(["true"])
    ended.wait()
    left = [project / f".dist.{kind}-{ended.pid}-x" for kind in ("building", "sorting", "retired")]
    running = project / f".dist.sorting-{os.getpid()}-x"  # a build of this process, under way
    for folder in (*left, running):
        folder.mkdir()
        (folder / "graph.nq").write_text("", encoding="utf-8")
    assert run_ikg("build", "--root", str(project), "--dist", str(project / "dist")).returncode == 0
    assert not any(folder.exists() for folder in left)
    assert running.exists()
