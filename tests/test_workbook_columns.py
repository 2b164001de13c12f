"""The spreadsheet's columns are the one place a cell is tied to the graph: which statement each column makes,
so that a shape's finding is shown at its column on every sheet, and the importer states what the column says."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ikg.rdf.namespaces import prefixes
from ikg.workbook.workbook import FIELDS, GOALS, MEASURES, ORGANISATIONS, PROGRAMMES, REPORT, Sheet

SHEETS = (MEASURES, ORGANISATIONS, PROGRAMMES, REPORT, FIELDS, GOALS)


@pytest.mark.parametrize(
    ("sheet", "path", "column"),
    [
        (MEASURES, "ikg:operator", "operators"),
        (MEASURES, "dct:temporal/dcat:startDate", "start"),
        (MEASURES, "dct:temporal", "end"),
        (ORGANISATIONS, "skos:prefLabel", "name_de"),
        (PROGRAMMES, "schema:funder", "funders"),
        (REPORT, "dct:creator", "creator"),
        (GOALS, "skos:broader", "action_fields"),
    ],
    ids=lambda v: v.key if isinstance(v, Sheet) else v,
)
def test_a_finding_about_a_property_is_shown_at_the_column_stating_it(sheet: Sheet, path: str, column: str) -> None:
    found = sheet.column_stating(path)
    assert found is not None
    assert found.key == column


def test_a_property_no_column_states_has_no_column() -> None:
    assert ORGANISATIONS.column_stating("ikg:operator") is None


def test_a_column_states_the_property_its_cells_name() -> None:
    assert MEASURES.column("operators").predicate == ox.NamedNode(f"{prefixes()['ikg']}operator")


def test_a_column_stating_nothing_has_no_property() -> None:
    assert MEASURES.column("id").predicate is None


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.key)
def test_every_statement_names_a_known_prefix(sheet: Sheet) -> None:
    known = prefixes()
    for column in sheet.columns:
        for path in column.states:
            assert all(step.partition(":")[0] in known for step in path.split("/")), (column.key, path)
