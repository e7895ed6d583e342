"""The CSV formula rule: neutralise what a spreadsheet would run, restore it on import."""

import pytest
from hypothesis import given, settings, strategies as st

from mcwidgets.domain.csv_safety import needs_quote, neutralise, read_cell, restore, strip_cell

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
