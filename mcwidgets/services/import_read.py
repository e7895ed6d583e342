"""Reading an import's CSV file: opened, delimiter sniffed, records streamed, malformed ones seen.

Malformed files
    Cells are read by ``domain.csv_safety.read_cell`` (surrounding whitespace
    dropped, except in front of a formula character; a quote that ``neutralise``
    added is taken off). A quoted value that is never closed, or that closes in the
    middle of a value on a later line, makes the row that opens it bad, and the
    lines after it are read as rows of their own: lines are never merged silently.
    A row holding a NUL character, or a value longer than the csv module's field
    limit, is a bad row. A file that is not UTF-8 is refused as a whole.
"""

from __future__ import annotations

import csv
import gc
import io
import itertools
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..domain.csv_safety import read_cell
from ..domain.errors import ValidationError


class CsvInput:
    """The CSV source: opened, its delimiter sniffed, readable twice (for the error report)."""

    def __init__(self, path_or_file):
        self.path: Path | None = None
        self._owned: list = []
        if isinstance(path_or_file, (str, os.PathLike)):
            self.path = Path(path_or_file)
            try:
                self.file = open(self.path, newline="", encoding="utf-8-sig")
            except OSError as e:
                raise ValidationError(f"cannot read {self.path}: {e.strerror or e}")
            self._owned.append(self.file)
            self.name = self.path.name
        else:
            f = path_or_file
            if isinstance(f, (io.RawIOBase, io.BufferedIOBase)) or "b" in str(getattr(f, "mode", "")):
                f = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
                self._owned.append(f)
            if not f.seekable():  # stdin, a pipe: spool to disk so it can be read twice
                spool = tempfile.TemporaryFile("w+", newline="", encoding="utf-8")
                for block in iter(lambda: f.read(1 << 20), ""):
                    spool.write(block)
                self._owned.append(spool)
                f = spool
                f.seek(0)
            self.file = f
            self.name = str(getattr(path_or_file, "name", "") or "file")
        self.start = self.file.tell()
        first = self._decode(self.file.readline)
        self.file.seek(self.start)
        counts = {d: first.count(d) for d in (",", ";", "\t")}
        self.delimiter = max(counts, key=counts.get) if any(counts.values()) else ","

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for f in reversed(self._owned):
            f.close()

    def _decode(self, fn, *args):
        try:
            return fn(*args)
        except UnicodeDecodeError as e:
            raise ValidationError(f"{self.name} is not UTF-8 text ({e.reason} at byte {e.start}): "
                                  "save it as CSV UTF-8 and import it again")

    def _records(self) -> Iterator[tuple[list[str], str | None]]:
        """(values, problem) of every CSV record from the heading row on.

        Read with ``strict`` quoting, so a quote that is never closed, or closed in
        the middle of a value, is seen instead of silently swallowing the lines after
        it into one value. Such a record, when it spans several lines, is one bad row
        (its first line, ``problem`` says why) and the lines after its first are read
        again as rows of their own; within one line the lenient reading of the csv
        module stands (``"12" screen`` is ``12 screen``), except at the end of the
        file. A record holding a NUL character is a bad row too (never stored).
        """
        self.file.seek(self.start)
        taken: list[str] = []  # the lines of the record being read
        replay: list[str] = []  # lines to read again after a bad record

        def lines(first: list[str]):
            for line in itertools.chain(first, self.file):
                taken.append(line)
                yield line

        while True:
            reader = csv.reader(lines(replay), delimiter=self.delimiter, strict=True)
            replay = []
            while True:
                taken.clear()
                try:
                    row = self._decode(next, reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    if not taken:
                        raise ValidationError(f"{self.name} is not a readable CSV file: {e}")
                    row, problem = self._bad_record(taken, e)
                    if problem is not None:
                        replay = taken[1:]
                        yield row, _with_nul(taken[:1], problem)
                        break  # a fresh reader over the lines after the bad record's first
                    yield row, _with_nul(taken, None)
                    continue
                yield row, (_with_nul(taken, None) if _has_nul(taken) else None)

    def _bad_record(self, taken: list[str], error: csv.Error) -> tuple[list[str], str | None]:
        """The values to report for a record the strict reading refused, and why it is bad
        (None: a one-line quirk the lenient reading takes, as it always did)."""
        message = str(error)
        first = taken[0]
        try:
            row = next(csv.reader([first], delimiter=self.delimiter), [])
        except csv.Error:  # e.g. longer than the field limit: split naively, for the report
            row = first.rstrip("\r\n").split(self.delimiter)
        if "field limit" in message:
            return row, f"a value is longer than {csv.field_size_limit():,} characters"
        if len(taken) == 1 and "unexpected end of data" not in message:
            return row, None
        if "unexpected end of data" in message:
            return row, ('a quoted value is never closed (a stray " in this row?): the lines after it are '
                         "read as rows of their own")
        if "expected after" in message:
            return row, ('a quoted value that starts in this row ends in the middle of a value on a later line '
                         '(a stray " in this row?): the lines after it are read as rows of their own')
        return row, f"not readable as CSV ({message})"

    def headings(self) -> list[str]:
        row, problem = next(self._records(), (None, None))
        if row is None or not any(h.strip() for h in row):
            raise ValidationError(f"{self.name} is empty: the first row must hold the column headings")
        if problem is not None:
            raise ValidationError(f"{self.name}: the heading row is not usable: {problem}")
        row[0] = row[0].lstrip("\ufeff")
        self.width = len(row)
        return [read_cell(h) for h in row]

    def records(self) -> Iterator[tuple[int, list[str], str | None]]:
        """(row number, values padded to the headings' width, problem) of every non-empty data row.

        ``problem`` is None, or why the row is bad before its values are even looked at
        (an unterminated quote, a NUL character, a value beyond the field limit).
        """
        width = self.width
        for row_no, (row, problem) in enumerate(self._records(), start=1):
            if row_no == 1:
                continue
            if problem is None:
                joined = "".join(row)
                if not joined or joined.isspace():
                    continue
            if len(row) < width:
                row = row + [""] * (width - len(row))
            yield row_no, row, problem


NUL_PROBLEM = "holds a NUL character (\\x00): not stored"


def _has_nul(lines: list[str]) -> bool:
    return any("\x00" in line for line in lines)


def _with_nul(lines: list[str], problem: str | None) -> str | None:
    if not _has_nul(lines):
        return problem
    return NUL_PROBLEM if problem is None else f"{problem}; {NUL_PROBLEM}"



@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while streaming.

    A chunk is tens of thousands of short-lived lists and tuples without cycles,
    freed by reference counting anyway; with the collector on, every chunk held in
    memory triggers full collections over every live object of the process, which
    took ~40 % of the time of a large import.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def chunks(records: Iterator, size: int):
    while chunk := list(itertools.islice(records, size)):
        yield chunk

