"""Shared test helpers: the project root, a copy of it to break, and running the real `ikg` command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BASE = "https://ikg.example/leverkusen/"


def run_ikg(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it, in a separate process."""
    return subprocess.run([sys.executable, "-m", "ikg", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


# Files whose servers, builds or installs take a minute or more. The suite runs in two processes, each taking
# whole files in collection order: started first, these overlap with the many short files instead of
# leaving one process working alone at the end.
LONGEST_FIRST = (
    "test_install.py",
    "test_swaps.py",
    "test_precomputed_descriptions.py",
    "test_reload.py",
    "test_workers.py",
    "test_external_store.py",
    "test_store_replicas.py",
    "test_yearly_comparison.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order inside a file, and of the other files, stays


def copy_project(folder: Path, with_queries: bool = True, with_graph: bool = True) -> Path:
    """`folder` made a copy of the project: vocabulary, shapes, settings and, unless told otherwise, the graph
    and the saved queries."""
    parts = ["vocab", "shapes"]
    if with_graph:
        parts.append("graph")
    if with_queries:
        parts.append("queries")
    for part in parts:
        shutil.copytree(ROOT / part, folder / part)
    shutil.copy(ROOT / "publication.toml", folder / "publication.toml")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ of the real project, built once for the module that reads it."""
    dist = tmp_path_factory.mktemp("built") / "dist"
    result = run_ikg("build", "--dist", str(dist))
    assert result.returncode == 0, result.stdout + result.stderr
    return dist


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the project's data, shapes and vocabulary that a test may change or break."""
    return copy_project(tmp_path / "project", with_queries=False)


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One real `ikg serve` for the HTTP tests: two query workers, a 3 s limit, a 1 MB result cap."""
    from server import serving

    with serving(
        tmp_path_factory.mktemp("served"),
        "--query-timeout",
        "3",
        "--query-workers",
        "2",
        env={"IKG_MAX_RESULT_BYTES": "1000000"},
    ) as running:
        yield running


# Attacks the shapes let through: they refuse a javascript: homepage or source (tests/test_shape_rules.py), but
# not an exactMatch to one, nor an organisation named by one; pages must show such IRIs as text, never as links.
HOSTILE = """
g:organisations {
    o:t-boese a org:Organization ;
        skos:prefLabel "<script>alert('label')</script>"@de ;
        skos:altLabel "\\"><img src=x onerror=alert(1)>"@de ;
        skos:exactMatch <javascript:alert(1)> ;
        dct:source <https://example.org/t/boese> .
    <javascript:alert(2)> a org:Organization ;
        skos:prefLabel "Träger mit Skript-Adresse"@de ;
        dct:source <https://example.org/t/skript> .
}
g:measures { m:t-massnahme ikg:operator <javascript:alert(2)> . }
"""


@pytest.fixture(scope="session")
def server(embedded_server):  # type: ignore[no-untyped-def]
    """The real graph on the embedded store; suites that must hold for both backends override this name."""
    return embedded_server


def _fixture_project(folder: Path, graph: str) -> Path:
    """A project whose graph/ is one fixture file, with the real vocabulary, shapes, queries and settings."""
    copy_project(folder, with_graph=False)
    (folder / "graph").mkdir()
    (folder / "graph" / "fixture.trig").write_text(graph, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real `ikg serve` over the minimal fixture plus an organisation whose labels and links are attacks."""
    from server import serving

    project = _fixture_project(
        tmp_path_factory.mktemp("hostile"), (FIXTURES / "minimal.trig").read_text(encoding="utf-8") + HOSTILE
    )
    with serving(project, root=project) as running:
        yield running


@pytest.fixture(scope="session")
def controlling_server(embedded_controlling_server):  # type: ignore[no-untyped-def]
    return embedded_controlling_server


@pytest.fixture(scope="session")
def embedded_controlling_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real `ikg serve` over tests/fixtures/controlling.trig: two report editions with known differences."""
    from server import serving

    project = _fixture_project(
        tmp_path_factory.mktemp("controlling"), (FIXTURES / "controlling.trig").read_text(encoding="utf-8")
    )
    with serving(project, root=project) as running:
        yield running


@pytest.fixture(scope="session")
def external_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The real graph served by ikg from an external Oxigraph server, with the embedded server's limits."""
    from server import serving_external

    with serving_external(
        tmp_path_factory.mktemp("external"),
        ROOT,
        "--query-timeout",
        "3",
        env={"IKG_MAX_RESULT_BYTES": "1000000"},
    ) as (_store, running):
        yield running


@pytest.fixture(scope="session")
def external_controlling_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from server import serving_external

    project = _fixture_project(
        tmp_path_factory.mktemp("controlling-external-project"),
        (FIXTURES / "controlling.trig").read_text(encoding="utf-8"),
    )
    with serving_external(tmp_path_factory.mktemp("controlling-external"), project) as (_store, running):
        yield running


BACKENDS = ("embedded", "external")


def on_each_backend(name: str, embedded: str, external: str):  # type: ignore[no-untyped-def]
    """A fixture called `name` giving, in turn, the server on the embedded store and the one in front of
    Oxigraph: a suite that defines it runs every test against both backends."""

    @pytest.fixture(params=BACKENDS, name=name)
    def either(request):  # type: ignore[no-untyped-def]
        return request.getfixturevalue(embedded if request.param == "embedded" else external)

    return either


# One resource of each kind the graph has, as paths below the base: what every dereferencing test tries.
RESOURCE_KINDS = [
    "id/measure/cafe-welt",
    "id/organisation/mawka",
    "id/programme/komm-an-nrw",
    "id/goal/hf-e-mimi-neustart",
    "id/action-field/gesundheit",
    "id/place/opladen",
    "id/report/statusbericht-2024",
    "id/concept/integrationskonzept-2017",
    "source/ksta-39930644",
    "graph/measures",
    "project/editors",
    "id/decision/kommunales-integrationszentrum-2013",
    "id/document/vorlage-2016-1154",
    "id/observation/population-leverkusen-2022-12-31",
]
