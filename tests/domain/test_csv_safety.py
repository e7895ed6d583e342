"""The CSV formula rule: neutralise what a spreadsheet would run, restore it on import."""

import pytest
from hypothesis import given, settings, strategies as st

from mcwidgets.domain.csv_safety import needs_quote, neutralise, read_cell, read_cells, restore, strip_cell

ATTACKS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1+1)",
           "\t=1+1", "\r=1+1", "\n=1+1", " =1+1", "'=1+1", "''=1", "\tAnn"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_cells_get_a_quote_and_come_back(text):
    cell = neutralise(text)
    assert cell == "'" + text
    assert restore(cell) == text


@pytest.mark.parametrize("text", ["Ann", "O'Neill", "'Ann", "'42", "a=b", "a-b@example.com", "", "'", " Ann",
                                  "2026-01-02 10:00:00+01:00", "Marketing contact"])
def test_ordinary_cells_are_written_as_they_are(text):
    assert neutralise(text) == text
    assert restore(text) == text


def test_values_that_are_not_text_pass_through():
    assert neutralise(None) is None and neutralise(42) == 42 and neutralise(-1) == -1


def test_import_never_strips_whitespace_into_a_live_formula():
    assert strip_cell("\t=1+1") == "\t=1+1"
    assert strip_cell("\n=1+1 ") == "\n=1+1"
    assert strip_cell("  -2+3") == "  -2+3"
    assert strip_cell("  Ann \t") == "Ann"
    assert read_cell("'=1+1") == "=1+1"  # a spreadsheet's own quoting is honoured
    assert read_cell(" '=1+1 ") == "=1+1"
    assert read_cell("\t=1+1") == "\t=1+1"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_restore_undoes_neutralise_for_any_text(text):
    cell = neutralise(text)
    assert restore(cell) == text
    assert not needs_quote(cell) or cell.startswith("'")
    # what a spreadsheet sees first (after whitespace) is never a formula character
    assert cell.lstrip()[:1] not in set("=+-@") or cell[:1] == "'"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_what_import_reads_re_imports_to_itself(raw):
    stored = read_cell(raw)
    assert read_cell(neutralise(stored)) == stored


_CELL = st.text(alphabet=st.sampled_from(list("ab1 =+-@'\t\r\n\x1f")), max_size=6)


@given(st.lists(_CELL, max_size=30))
@settings(max_examples=400)
def test_read_cells_is_read_cell_of_each_cell(column):
    """The column-at-once fast paths give exactly what read_cell gives cell by cell."""
    assert read_cells(column) == [read_cell(v) for v in column]
    assert read_cells(tuple(column)) == [read_cell(v) for v in column]


@pytest.mark.parametrize("column", [
    ["Ann", " Bo ", ""],  # no cell starts with a formula character: the C-speed path
    ["a@b.com", "2020-01-01", "x=1"],  # formula characters inside cells only
    ["Ann", " =1+1", "'=2"],  # cells that need read_cell
    ["a\x1f=1", "b"],  # the separator inside a cell
])
def test_read_cells_examples(column):
    assert read_cells(column) == [read_cell(v) for v in column]
