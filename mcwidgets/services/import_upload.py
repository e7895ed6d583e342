"""Import from a file uploaded in the dashboard: the upload checked, its columns recognised,
and the import (or its dry run) through ``importer.import_csv``, with the error report as text.

The dashboard's Import panel calls these; the rules of the import itself stay in
``importer`` (the same as ``mcwidgets import FILE``).

* ``read_upload(name, content)``: a one-line ``ValidationError`` for a file that is not
  a CSV file (by its name, or binary content), empty, larger than ``MAX_UPLOAD_BYTES``,
  or not UTF-8 text.
* ``preview_columns(upload, mapping)``: the headings, the property each one is
  recognised as (``csvcolumns``), a few sample values, and what is wrong with the
  mapping, if anything (no email column, two columns meaning the same property).
* ``import_access(ctx, actor)``: whether the acting user may import, and may set
  contacts as marketing (the importer checks again).
* ``import_upload(ctx, actor, upload, ...)``: the upload is written to a private
  temporary folder (an import the spike guard holds needs a file: its rows are kept
  in the database when it is held, so the folder is removed afterwards, always), imported
  from there, and the error report returned as text (``error_csv_text``, cells
  neutralised like the CLI's report; ``error_csv_path`` is None).
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..domain.actors import Actor
from ..domain.errors import NotFound, ValidationError
from ..domain.fields import FIELDS
from . import csvcolumns as cols
from .context import Context
from .import_read import CsvInput
from .importer import ImportResult, Progress, import_csv
from .users import get_user

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # larger files: `mcwidgets import FILE`
# One websocket message carries an upload to the kernel: the server must accept messages this
# large (`mcwidgets serve` sets it), or a larger file closes the page's connection before the
# kernel can refuse it (tornado's default is 10 MiB). Files up to here get the one-line error.
UPLOAD_MESSAGE_BYTES = 2 * MAX_UPLOAD_BYTES
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
SAMPLE_ROWS = 3

# The choices of a column's property: (label, property); "" ignores the column.
IGNORE = ""
PROPERTY_CHOICES: tuple[tuple[str, str], ...] = (("Ignore this column", IGNORE),) + tuple(
    (f"{f.label} (not imported: contacts are matched by email)" if f.name == "id" else f.label, f.name)
    for f in FIELDS.values())


@dataclass(frozen=True)
class Upload:
    """A checked upload: its file name (no folders) and its bytes."""

    name: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class ColumnPreview:
    heading: str
    recognised: str | None  # the property the heading is recognised as, None: ignored
    samples: tuple[str, ...]  # the first few values of the column


@dataclass(frozen=True)
class ImportPreview:
    name: str
    size: int
    delimiter: str
    columns: tuple[ColumnPreview, ...]
    problem: str | None  # what is wrong with the mapping (the import would refuse it), None if fine

    @property
    def recognised(self) -> dict[str, str | None]:
        """heading -> property as recognised (the first of equal headings)."""
        out: dict[str, str | None] = {}
        for c in self.columns:
            out.setdefault(c.heading, c.recognised)
        return out


@dataclass(frozen=True)
class ImportAccess:
    may_import: bool
    may_set_marketing: bool
    reason: str | None  # why not (or what is limited), for the user


def size_text(n: int) -> str:
    """"286 bytes", "2.5 KB", "50 MB"."""
    if n < 1024:
        return f"{n:,} bytes"
    value, unit = (n / 1024, "KB") if n < 1024 * 1024 else (n / 1024 / 1024, "MB")
    return f"{value:,.1f}".removesuffix(".0") + f" {unit}"


def read_upload(name: str, content, *, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """The uploaded file checked: a CSV file by name, not empty, not too large, UTF-8 text."""
    shown = Path(str(name or "")).name.strip() or "the file"
    if content is None:
        raise ValidationError(f"{shown} is empty: the first row must hold the column headings")
    if not shown.lower().endswith(CSV_SUFFIXES):
        raise ValidationError(f"{shown} is not a CSV file: choose a .csv file (the headings in the first row)")
    view = memoryview(content).cast("B")
    if len(view) > max_bytes:
        raise ValidationError(f"{shown} is too large to upload ({size_text(len(view))}, at most "
                              f"{size_text(max_bytes)}): import it with `mcwidgets import FILE` instead")
    data = bytes(view)  # one copy; the checks below make none of the whole file
    if not data or data.isspace():
        raise ValidationError(f"{shown} is empty: the first row must hold the column headings")
    if b"\x00" in data[:4096]:
        raise ValidationError(f"{shown} is not a CSV file (it holds binary data): save it as CSV UTF-8")
    decoder = codecs.getincrementaldecoder("utf-8")()
    block = 1 << 20
    for start in range(0, len(data), block):
        try:
            decoder.decode(view[start:start + block], final=start + block >= len(data))
        except UnicodeDecodeError as e:
            raise ValidationError(f"{shown} is not UTF-8 text ({e.reason} at byte {start + e.start}): "
                                  "save it as CSV UTF-8 and upload it again")
    return Upload(shown, data)


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", Path(name).name).strip("._") or "upload"
    return stem if stem.lower().endswith(CSV_SUFFIXES) else f"{stem}.csv"


def _source(upload: Upload):
    import io

    f = io.BytesIO(upload.content)
    f.name = upload.name
    return f


def preview_columns(upload: Upload, mapping: dict | None = None) -> ImportPreview:
    """The upload's columns, what each is recognised as (``mapping`` overrides, as for the
    import), a few sample values, and the mapping's problem if it has one."""
    with CsvInput(_source(upload)) as src:
        headings = src.headings()
        samples: list[list[str]] = [[] for _ in headings]
        records = 0
        for records, (_row_no, row, problem) in enumerate(src.records(), start=1):
            if records > SAMPLE_ROWS:
                break
            if problem is None:
                for i, v in enumerate(row[:len(headings)]):
                    samples[i].append(v.strip())
        if not records:
            raise ValidationError(f"{upload.name} holds no contacts: only the heading row")
        delimiter = src.delimiter
    problem = None
    try:
        by_prop, _, _ = cols.resolve_columns(headings, mapping)
        by_index = {i: p for p, i in by_prop.items()}
    except ValidationError as e:
        problem = str(e)
        by_index = _guess(headings, mapping)
    columns = tuple(ColumnPreview(h, by_index.get(i), tuple(samples[i])) for i, h in enumerate(headings))
    return ImportPreview(upload.name, upload.size, delimiter, columns, problem)


def _guess(headings: list[str], mapping: dict | None) -> dict[int, str]:
    """Each heading's property on its own (the mapping's, else the recognised one), for showing
    a mapping ``resolve_columns`` refuses."""
    given = {str(k).strip().lower(): v for k, v in (mapping or {}).items()}
    out = {}
    for i, h in enumerate(headings):
        prop = given[h.strip().lower()] if h.strip().lower() in given else cols.property_for_heading(h)
        if prop:
            out[i] = prop
    return out


def mapping_changes(recognised: dict[str, str | None], chosen: dict[str, str | None]) -> dict[str, str | None]:
    """The mapping to pass to the import: only the headings whose chosen property differs from
    the recognised one (None ignores a column), so columns left alone keep the import's own rules."""
    return {h: (p or None) for h, p in chosen.items() if (p or None) != (recognised.get(h) or None)}


def import_access(ctx: Context, actor: Actor | None) -> ImportAccess:
    if actor is None:
        return ImportAccess(False, False, "No user: the dashboard is read-only. Open it as a user "
                                          "(mcwidgets serve --as USER) to import contacts.")
    try:
        user = get_user(ctx, actor.name)
    except NotFound:
        return ImportAccess(False, False, f"Unknown user {actor.name!r}: only the account's users may import "
                                          "contacts.")
    if user.role != "admin" and not user.can_edit_marketing:
        return ImportAccess(True, False, f"{user.name} does not have the 'Edit marketing contacts' permission: "
                                         "rows that would set a contact as marketing are bad rows, and new "
                                         "contacts are not created as marketing.")
    return ImportAccess(True, True, None)


def import_upload(ctx: Context, actor: Actor, upload: Upload, *, mapping: dict | None = None,
                  as_marketing: bool = False, strict: bool = False, dry_run: bool = False,
                  progress: Progress | None = None, chunk_rows: int = 5_000) -> ImportResult:
    """``importer.import_csv`` of the upload (see the module docstring); the error report as text."""
    folder = Path(tempfile.mkdtemp(prefix="mcwidgets-upload-"))
    try:
        path = folder / _safe_name(upload.name)
        path.write_bytes(upload.content)
        report = folder / f"{path.stem}.errors.csv"
        result = import_csv(ctx, actor, str(path), as_marketing=as_marketing, strict=strict, mapping=mapping,
                            progress=progress, chunk_rows=chunk_rows, errors_path=str(report), dry_run=dry_run)
        text = report.read_text(encoding="utf-8") if result.error_csv_path and report.exists() else None
        return dataclasses.replace(result, error_csv_path=None, error_csv_text=text)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report_name(upload_name: str) -> str:
    """The download name of an upload's error report: ``NAME.errors.csv``."""
    return f"{Path(_safe_name(upload_name)).stem}.errors.csv"
