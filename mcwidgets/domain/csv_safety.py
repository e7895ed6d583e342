"""CSV formula safety: the one rule every CSV the tool writes, and the importer, follow.

A spreadsheet that opens a CSV runs a cell beginning with ``=``, ``+``, ``-`` or
``@`` as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``+1+2``,
``@SUM(1+1)``), and some strip a leading tab, carriage return, newline or space
first. So (OWASP "CSV injection"):

* ``neutralise(text)`` prefixes a single quote to a cell whose first character that
  is not whitespace or a single quote is one of ``= + - @``, or that begins (after
  any single quotes) with a tab, carriage return or newline. A spreadsheet shows
  such a cell as text.
* ``restore(cell)`` undoes exactly that: it drops the leading quote of a cell that
  ``neutralise`` would have quoted once the quote is gone. A quote that is not
  ``neutralise``'s (``'Ann``, ``'42``) is data and stays.
  ``restore(neutralise(t)) == t`` for every text ``t``; cells already quoted
  (``'=1``) get one more quote, so they come back as written.
* ``read_cell(raw)`` is what the importer makes of a cell: surrounding whitespace
  is dropped, except leading whitespace in front of a formula character (stripping
  ``"\\t=1+1"`` would turn it into a live ``=1+1``), then ``restore``. An export
  (``neutralise`` of stored text) therefore re-imports to the stored text.

Pure functions of text; no I/O.
"""

from __future__ import annotations

FORMULA_CHARS = frozenset("=+-@")  # what a spreadsheet runs as a formula
CONTROL_LEADS = frozenset("\t\r\n")  # what a spreadsheet may strip before looking
QUOTE = "'"
_FIRST = FORMULA_CHARS | CONTROL_LEADS | {QUOTE}  # needs_quote is false unless text starts so (or with a space)


def needs_quote(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula (or would once quotes are dropped)."""
    if not text:
        return False
    unquoted = text.lstrip(QUOTE)
    if unquoted[:1] in CONTROL_LEADS:
        return True
    return unquoted.lstrip().lstrip(QUOTE)[:1] in FORMULA_CHARS if unquoted else False


def neutralise(value):
    """A cell value as written to CSV: formula-like text gets a leading single quote.

    Anything that is not a string (numbers, None) is returned unchanged.
    """
    if isinstance(value, str) and value and (value[0] in _FIRST or value[0].isspace()) and needs_quote(value):
        return QUOTE + value
    return value


def restore(cell: str) -> str:
    """The text ``neutralise`` was given, for a cell it wrote; any other cell as it is."""
    if cell[:1] == QUOTE and needs_quote(cell[1:]):
        return cell[1:]
    return cell


def strip_cell(raw: str) -> str:
    """Surrounding whitespace dropped, but never leading whitespace that hides a formula."""
    right = raw.rstrip()
    both = right.lstrip()
    if both[:1] in FORMULA_CHARS and both != right:
        return right
    return both


def read_cell(raw: str) -> str:
    """What the importer reads from a CSV cell: ``restore(strip_cell(raw))``."""
    return restore(strip_cell(raw))


_SPECIAL = FORMULA_CHARS | {QUOTE}


_SEP = "\x1f"  # joins a column's cells to look at every cell's first character at once


def read_cells(values) -> list[str]:
    """``read_cell`` over a column, with fast paths for the usual cell (same result).

    A stripped cell is its ``read_cell`` unless it starts with a formula character or a
    quote. Whether any cell of the column does is found at C speed: with the cells joined
    by ``_SEP``, a cell starts with ``c`` only where ``_SEP + c`` occurs (a cell that
    itself holds ``_SEP`` at worst sends the column down the per-cell path).
    """
    stripped = list(map(str.strip, values))
    joined = _SEP + _SEP.join(stripped)
    if not any(_SEP + c in joined for c in _SPECIAL):
        return stripped
    return [read_cell(v) if s[:1] in _SPECIAL else s for v, s in zip(values, stripped)]


def safe_row(values) -> list:
    """A row of cells as written to CSV, each neutralised."""
    return [neutralise(v) for v in values]
