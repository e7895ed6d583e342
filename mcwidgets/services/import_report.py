"""An import's error report.

Error report
    The bad rows with the file's own columns plus an ``error`` column ("row N:
    reason"), in the file's delimiter: written to ``errors_path`` if given, else next
    to an input given as a path (``NAME.errors.csv``), else returned as text. Each
    cell is written as the import read it, neutralised (``domain.csv_safety``): no
    cell runs as a formula in a spreadsheet, and the report, once fixed, re-imports
    to the same values.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..domain.csv_safety import read_cell, safe_row
from ..domain.errors import ValidationError
from ..store import importing as sql
from .import_read import CsvInput


def write_report(session, table, src: CsvInput, headings: list[str], errors_path) -> tuple[str | None, str | None]:
    if errors_path is not None:
        target = Path(errors_path)
    elif src.path is not None:
        target = src.path.with_name(f"{src.path.stem}.errors.csv")
    else:
        target = None
    buffer = io.StringIO() if target is None else None
    try:
        out = buffer if target is None else open(target, "w", newline="", encoding="utf-8")
    except OSError as e:
        raise ValidationError(f"cannot write the error report {target}: {e.strerror or e}")
    try:
        writer = csv.writer(out, delimiter=src.delimiter)
        writer.writerow(safe_row(headings + ["error"]))
        bad = sql.error_rows(session, table)
        nxt = next(bad, None)
        for row_no, row, _problem in src.records():
            if nxt is None:
                break
            if row_no == nxt[0]:
                # each cell as the import reads it, neutralised: the report re-imports to the same rows
                writer.writerow(safe_row([read_cell(v) for v in row] + [f"row {row_no}: {nxt[2]}"]))
                nxt = next(bad, None)
        for _ in bad:  # drain the cursor
            pass
    finally:
        if target is not None:
            out.close()
    return (str(target), None) if target is not None else (None, buffer.getvalue())
