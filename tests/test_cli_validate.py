"""`ikg validate` on broken files: one line per problem with file, line, resource, property and reason; exit 1."""

from __future__ import annotations

from pathlib import Path

from conftest import BASE, FIXTURES, run_ikg

MINIMAL = (FIXTURES / "minimal.trig").read_text(encoding="utf-8")


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "kaputt.trig"
    path.write_text(MINIMAL.replace(old, new), encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_clean_project_exits_0_and_says_so() -> None:
    result = run_ikg("validate", "--lang", "en")
    assert result.returncode == 0
    # The real graph keeps resources whose only sources are incomplete references: warnings, not violations.
    assert result.stdout.strip().splitlines()[-1].startswith("0 violation(s), ")


def test_turtle_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "kaputt.ttl"
    path.write_text(
        '@prefix ex: <http://example.org/> .\nex:a ex:b "ok" .\nex:c ex:d "not closed .\n', encoding="utf-8"
    )
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    assert result.returncode == 1
    assert f"{path}, line 3, column 11: syntax error: the file cannot be parsed" in result.stdout


def test_missing_source_names_file_line_resource_and_property(tmp_path: Path) -> None:
    path = _broken(tmp_path, "        dct:source <https://example.org/t/massnahme> .", '        rdfs:comment "x" .')
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    assert result.returncode == 1
    line = _line_of(path, "m:t-massnahme a ikg:Measure")
    assert (
        f"{path}, line {line}: Measure »Testmaßnahme« <{BASE}id/measure/t-massnahme>: property dct:source: "
        "the source (dct:source) is missing"
    ) in result.stdout


def test_messages_are_german_by_default(tmp_path: Path) -> None:
    path = _broken(tmp_path, "        dct:source <https://example.org/t/massnahme> .", '        rdfs:comment "x" .')
    result = run_ikg("validate", "--alone", str(path))
    assert "Zeile" in result.stdout
    assert "Maßnahme »Testmaßnahme«" in result.stdout
    assert "Eigenschaft dct:source: die Quelle (dct:source) fehlt" in result.stdout


def test_dangling_link_is_reported_at_the_resource_that_links(tmp_path: Path) -> None:
    path = _broken(tmp_path, "        ikg:partner o:t-verein ;", "        ikg:partner o:t-gibt-es-nicht ;")
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    assert result.returncode == 1
    assert "»Testmaßnahme«" in result.stdout
    assert (
        "property ikg:partner: links to a resource of the graph that is described nowhere (dangling link)"
        in result.stdout
    )


def test_wrong_class_is_reported_with_the_expected_class(tmp_path: Path) -> None:
    path = _broken(tmp_path, "        ikg:operator o:t-stadt ;", "        ikg:operator p:t-programm ;")
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    assert result.returncode == 1
    assert "property ikg:operator: the operator is not an organisation (org:Organization)" in result.stdout


def test_empty_label_is_reported(tmp_path: Path) -> None:
    path = _broken(tmp_path, '"Testverein"@de ;', '""@de ;')
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    assert result.returncode == 1
    assert f"<{BASE}id/organisation/t-verein>: property skos:prefLabel: the label is empty" in result.stdout


def test_label_full_of_control_characters_is_reported_without_raw_control_characters(tmp_path: Path) -> None:
    path = _broken(tmp_path, '"Testverein"@de ;', '"Test\\u001b[2J\\u0007verein\\r\\n"@de ;')
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    assert result.returncode == 1
    assert "contains control characters" in result.stdout
    for raw in ("\x1b", "\x07", "\r"):
        assert raw not in result.stdout
    assert "»Test\\x1b[2J\\x07verein\\r\\n«" in result.stdout


def test_each_problem_is_one_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, '"Testverein"@de ;', '"a\\nb"@de ;')
    result = run_ikg("validate", "--alone", "--lang", "en", str(path))
    problem_lines = [line for line in result.stdout.splitlines() if "kaputt.trig" in line]
    assert len(problem_lines) == 1


def test_a_file_is_checked_together_with_the_project_graph(tmp_path: Path) -> None:
    path = tmp_path / "neu.trig"
    path.write_text(
        MINIMAL.replace("        ikg:operator o:t-stadt ;", "        ikg:operator o:kommunales-integrationszentrum ;"),
        encoding="utf-8",
    )
    assert run_ikg("validate", str(path)).returncode == 0
    assert run_ikg("validate", "--alone", str(path)).returncode == 1


def test_reference_engine_gives_the_same_verdict(tmp_path: Path) -> None:
    path = _broken(tmp_path, "        ikg:operator o:t-stadt ;", "        ikg:operator p:t-programm ;")
    result = run_ikg("validate", "--alone", "--engine", "pyshacl", "--lang", "en", str(path))
    assert result.returncode == 1
    assert "the operator is not an organisation (org:Organization)" in result.stdout


def test_warnings_are_shown_but_do_not_fail(project: Path) -> None:
    shapes = project / "shapes" / "ikg-shapes.ttl"
    shapes.write_text(
        shapes.read_text(encoding="utf-8")
        + """
ikgsh:MeasureServesAGoalShape a sh:NodeShape ;
    sh:targetClass ikg:Measure ;
    sh:property [ sh:path ikg:servesGoal ; sh:minCount 1 ; sh:severity sh:Warning ;
        sh:message "keinem Ziel zugeordnet"@de , "serves no goal"@en ] .
""",
        encoding="utf-8",
    )
    result = run_ikg("validate", "--root", str(project), "--lang", "en")
    assert result.returncode == 0
    assert "warning: serves no goal" in result.stdout
    assert "»Netzwerk „Migrami“«" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("0 violation(s), ")
