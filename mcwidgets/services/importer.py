"""CSV import of contacts: streamed, validated per chunk, applied set-based in ONE transaction.

``import_csv(ctx, actor, "contacts.csv")`` reads a CRM contacts export (the headings
of ``services.csvcolumns``, case-insensitive, with aliases, or an explicit
``mapping``), matches contacts by email (case-insensitively), updates the known
ones, creates the new ones, and reports the bad rows.

Rows and row numbers
    Row numbers are those of a spreadsheet: the heading row is row 1, so the first
    data row is row **2**. A row is a CSV record (a quoted value may span lines).
    Entirely empty rows are skipped (not counted, not bad). Short rows are padded
    with blanks; a row with more non-blank values than headings is a bad row.

What makes a row bad (all its reasons are reported, joined with "; ")
    no email; an invalid email (``domain.contacts.normalize_email``'s rule); an
    email seen in an earlier row of the file (the first occurrence is kept); an
    unparsable date (see ``csvcolumns`` for the accepted ISO forms); an unknown
    marketing contact status or lifecycle stage; a yes/no column with another
    value; a name, company or country longer than the store holds; more values
    than headings; and, for a user without the "Edit marketing contacts"
    permission, a row that would set a contact as marketing ("no permission to set
    as marketing"). A bad row is never applied, not even in part. Stray HTML or
    quotes in text are data: stored as given (escaping is the user interface's job).

What a good row does
    A blank cell, or a column the file lacks, keeps the stored value. "Record ID"
    is recognised but not imported (contacts are matched by email only); unknown
    headings are ignored and listed in ``ignored_columns``. A source-tool value the
    store does not know (e.g. a CRM's "Original Source" such as "Organic search") is
    not an error: the contact's source is then "import".

    Status of a *new* contact: the row's "Marketing contact status" if given
    (marketing with "Marketing contact until next update" = Yes creates it marketing
    and pending); else marketing when ``as_marketing``; else the import tool's
    default status (``contacts.default_statuses``).

    Status of an *existing* contact follows the status rules: a row saying
    non-marketing (or marketing but pending) is "set as non-marketing" - a marketing
    contact only becomes pending; a row saying marketing is "set as marketing" -
    needs the permission when it changes anything (non-marketing -> marketing, or
    cancelling a pending change). No status value: the status is left alone.

Modes
    Default: the good rows are applied and the bad ones reported. ``strict=True``:
    if any row is bad, nothing is applied (no action is recorded) and the report is
    still written. ``as_marketing`` needs the permission and is refused before
    anything is read or written.

One transaction, bounded memory
    The file is read ``chunk_rows`` records at a time (csv module), each chunk is
    validated column by column with pandas and appended to a temporary staging
    table; then a handful of set-based statements (``store.importing``) do the rest.
    Memory holds one chunk, whatever the size of the file (duplicates are found in
    SQL, not in a Python set). Due rollovers are applied first (committed on their
    own, as for every action: ``rollover.action_session``); then the whole import,
    with its action row and audit rows, is one ``ctx.write()`` transaction: a
    failure anywhere keeps nothing of it.

Spike guard and workflows
    An import whose good rows would set more contacts as marketing than the
    account's spike limit (``workflows.spike_limit``) applies nothing: it is held
    (``workflows.hold_import``) until an admin approves it. Its staged rows are
    kept in the database (``held_import_rows``) when it is held, and the approval
    applies exactly those (``apply_held_import``), in the approval's transaction:
    changing or deleting the file afterwards changes nothing, and a failed approval
    leaves it held. A file object cannot be held (its error report could not be
    written next to it), so such an import from one is refused (Conflict). After an applied
    import, the workflows that are on run over the contacts it created or updated,
    in the same transaction, as they do for contacts created one by one.

Error report
    The bad rows with the file's own columns plus an ``error`` column ("row N:
    reason"), in the file's delimiter: written to ``errors_path`` if given, else next
    to an input given as a path (``NAME.errors.csv``), else returned as text. Each
    cell is written as the import read it, neutralised (``domain.csv_safety``): no
    cell runs as a formula in a spreadsheet, and the report, once fixed, re-imports
    to the same values.

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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import func, select, true

from ..domain.actors import Actor, ActorKind
from ..domain.contacts import _EMAIL, LifecycleStage, Source
from ..domain.csv_safety import read_cell, read_cells, safe_row
from ..domain.errors import Conflict, ValidationError
from ..domain.forecast import Forecast, side
from ..domain.status import Status
from ..store import importing as sql
from ..store import queries
from ..store.models import HeldAction, Workflow
from . import csvcolumns as cols
from . import workflows
from .account import check_tier_upgrade, ensure_account
from .actions import start_action
from .context import Context
from .contacts import default_statuses, not_permitted_note
from .forecast import plan_of
from .permissions import acting_user, holds_edit_marketing, require_edit_marketing, require_user
from .rollover import action_session

Progress = Callable[[int, "int | None"], None]

MAX_LISTED_ERRORS = 1000  # in ImportResult.errors; the error report has them all
EMAIL_MAX = 254


@dataclass(frozen=True)
class ImportResult:
    action_id: int | None  # None when nothing was applied (strict mode with bad rows)
    rows: int  # data rows read (empty rows skipped)
    created: int
    updated: int  # existing contacts a good row matched
    status_changed: int  # existing contacts whose status or pending flag changed
    bad_rows: int
    errors: list[tuple[int, str, str]]  # (row number, email as given, reason); the first 1,000
    error_csv_path: str | None = None
    error_csv_text: str | None = None
    ignored_columns: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # heading -> property
    applied: bool = True
    strict: bool = False
    tier_before: int | None = None
    tier_after: int | None = None
    # Spike guard: the import would have set more contacts as marketing than the
    # account's spike limit; nothing was applied, an admin approves or rejects it.
    held_action_id: int | None = None
    marketing_changes: int | None = None  # contacts it sets (or would set) as marketing
    workflow_runs: tuple = ()  # workflows that ran over the imported contacts
    # Dry run: the import ran in full and was rolled back; what it would do.
    dry_run: bool = False
    forecast: Forecast | None = None
    would_be_held: bool = False
    # New contacts created non-marketing although the import default is marketing: the
    # user lacks "Edit marketing contacts"; ``note`` says so.
    not_permitted: int = 0
    note: str | None = None


class _StrictAbort(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


def import_csv(ctx: Context, actor: Actor, path_or_file, *, as_marketing: bool = False, strict: bool = False,
               mapping: dict | None = None, progress: Progress | None = None, chunk_rows: int = 50_000,
               errors_path: str | os.PathLike | None = None, dry_run: bool = False) -> ImportResult:
    """Import contacts from a CSV file (a path, or a text or binary file object).

    See the module docstring for the rules. Raises ValidationError when the file
    has no email column or the mapping is wrong, PermissionDenied for
    ``as_marketing`` without the permission; bad rows are reported, not raised.
    ``progress(rows_done, total)`` is called after each chunk with ``total`` None
    (unknown while streaming), and once at the end with both equal.
    With ``dry_run`` the import runs in full inside its transaction, which is then
    rolled back: the result says what it would do, with the forecast.
    """
    return _import(ctx, actor, path_or_file, as_marketing=as_marketing, strict=strict, mapping=mapping,
                   progress=progress, chunk_rows=chunk_rows, errors_path=errors_path, dry_run=dry_run)


def apply_held_import(ctx: Context, session, held: HeldAction) -> ImportResult:
    """Apply an import the spike guard held, once an admin approved it (``workflows.approve``),
    inside the approval's transaction.

    It applies exactly the rows staged when it was held (``held_import_rows``), never
    the file as it is now (changed, replaced or deleted): as the user who asked for
    it, with the same options, without the spike check. Contacts are matched by
    email again, as they are now, and a row that would now set a contact as
    marketing for a user who has lost the permission is a bad row. A strict import
    with a bad row raises Conflict: the approval fails and the import stays held.
    The error report of the rows bad when it was held is the one written then.
    """
    p = dict(held.payload or {})
    if "staged_rows" not in p:
        raise Conflict(f"held action {held.id} was held before held imports kept their rows: "
                       "reject it and import the file again")
    actor = Actor(ActorKind(p.get("actor_kind", ActorKind.USER.value)), p["actor"])
    as_marketing = bool(p.get("as_marketing"))
    _check_actor(session, actor, as_marketing)
    try:
        return _run(ctx, session, actor, None, [], dict(p.get("present", {})),
                    list(p.get("ignored_columns", [])), as_marketing=as_marketing, strict=bool(p.get("strict")),
                    progress=None, chunk_rows=50_000, errors_path=None, mapping=p.get("mapping"), held=held)
    except _StrictAbort as abort:
        raise Conflict(f"held action {held.id} was not approved: it is a strict import and {abort.result.bad_rows:,} "
                       f"of its {abort.result.rows:,} rows are bad now (first: row {abort.result.errors[0][0]}: "
                       f"{abort.result.errors[0][2]}); it stays held: reject it, or restore what changed")


def _import(ctx: Context, actor: Actor, path_or_file, *, as_marketing, strict, mapping, progress, chunk_rows,
            errors_path, dry_run: bool = False) -> ImportResult:
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValidationError(f"chunk_rows must be a whole number of at least 1, not {chunk_rows!r}")
    with _Input(path_or_file) as src:
        headings = src.headings()
        by_prop, _, ignored = cols.resolve_columns(headings, mapping)
        with ctx.read() as session:  # refuse before anything is written, rollovers included
            _check_actor(session, actor, as_marketing)
        try:
            with action_session(ctx) as session:  # due rollovers first, then one transaction
                _check_actor(session, actor, as_marketing)
                return _run(ctx, session, actor, src, headings, by_prop, ignored, as_marketing=as_marketing,
                            strict=strict, progress=progress, chunk_rows=chunk_rows, errors_path=errors_path,
                            mapping=mapping, dry_run=dry_run)
        except _StrictAbort as abort:
            return abort.result


def _check_actor(session, actor: Actor, as_marketing: bool) -> None:
    if as_marketing:
        require_edit_marketing(session, actor)
    else:
        require_user(session, actor)


def _run(ctx, session, actor, src: "_Input | None", headings, by_prop, ignored, *, as_marketing, strict,
         progress, chunk_rows, errors_path, mapping, held: HeldAction | None = None,
         dry_run=False) -> ImportResult:
    """The import in its transaction: staged from ``src``, or, for an approved held
    import (``src`` None), from the rows staged when it was held."""
    account = ensure_account(session, ctx.now())
    counts_before, tier_at_start = queries.status_counts(session), account.tier
    now = ctx.now()
    user = acting_user(session, actor)
    may_set_marketing = actor.kind is ActorKind.SYSTEM or user is None or holds_edit_marketing(user)
    default = default_statuses(session)[Source.IMPORT]
    initial = Status.MARKETING if as_marketing else default
    # A user who may not set marketing never gets marketing contacts from the default.
    default_refused = not may_set_marketing and initial is Status.MARKETING
    if default_refused:
        initial = Status.NON_MARKETING
    validator = _ChunkValidator(headings, by_prop, ZoneInfo(account.timezone))

    table = sql.create_staging(session)
    rows = 0
    if held is None:
        with _gc_paused():
            for chunk in _chunks(src.records(), chunk_rows):
                sql.load_staging(session, table, validator.validate(chunk))
                rows += len(chunk)
                if progress:
                    progress(rows, None)
    else:
        rows = sql.load_held_rows(session, table, held.id)
    ctx.checkpoint("import-staged")
    sql.index_staging(session, table)
    sql.match_existing(session, table)
    if held is None:  # a held import's duplicates were marked when it was held
        sql.mark_duplicates(session, table)
    if not may_set_marketing:
        sql.mark_not_permitted(session, table, new_default_is_marketing=initial is Status.MARKETING)
    created, updated, bad = sql.outcome_counts(session, table)
    not_permitted = (session.scalar(select(func.count()).select_from(table).where(
        table.c.error.is_(None), table.c.email_ok, table.c.contact_id.is_(None), table.c.status.is_(None)))
        or 0) if default_refused else 0
    note = not_permitted_note(user.name, not_permitted, "import") if not_permitted else None
    errors = list(sql.error_rows(session, table, MAX_LISTED_ERRORS))
    columns = ({headings[i]: p for p, i in sorted(by_prop.items(), key=lambda kv: kv[1])} if held is None
               else dict((held.payload or {}).get("columns", {})))
    common = dict(rows=rows, bad_rows=bad, errors=errors, ignored_columns=tuple(ignored), columns=columns,
                  strict=strict, not_permitted=not_permitted, note=note)

    name = src.name if src is not None else (held.payload or {}).get("name", "a held file")
    report = (lambda: _write_report(session, table, src, headings, errors_path)) if src is not None else (
        lambda: ((held.payload or {}).get("error_report"), None))
    if strict and bad:
        report_path, report_text = report()
        result = ImportResult(action_id=None, created=0, updated=0, status_changed=0,
                              error_csv_path=report_path, error_csv_text=report_text, applied=False,
                              tier_before=account.tier, tier_after=account.tier, **common)
        raise _StrictAbort(result)  # rolls the transaction back: nothing applied

    going = sql.marketing_changes(session, table, initial_status=initial.value)
    limit = workflows.spike_limit(account)
    would_be_held = going > limit
    if held is None and would_be_held and not dry_run:
        if src.path is None:
            raise Conflict(f"this import would set {going:,} contacts as marketing, more than the spike limit "
                           f"of {limit:,}: import it from a file path, so that an admin can approve it")
        report_path, report_text = report() if bad else (None, None)
        payload = {"file": str(src.path.resolve()), "name": src.name, "actor": actor.name,
                   "actor_kind": actor.kind.value, "as_marketing": bool(as_marketing), "strict": bool(strict),
                   "mapping": mapping, "columns": columns, "present": by_prop, "ignored_columns": list(ignored),
                   "rows": rows, "error_report": report_path}
        held_id = workflows.hold_import(session, count=going, requested_by=actor.name, payload=payload, now=now)
        # the rows as read now are what an approval applies: the file may change or go before then
        payload["staged_rows"] = sql.hold_rows(session, table, held_id)
        session.get(HeldAction, held_id).payload = payload
        sql.drop_staging(session, table)
        return ImportResult(action_id=None, created=0, updated=0, status_changed=0, error_csv_path=report_path,
                            error_csv_text=report_text, applied=False, held_action_id=held_id,
                            marketing_changes=going, tier_before=account.tier, tier_after=account.tier, **common)

    action = start_action(session, "import", actor, now, description=f"import {name}")
    if held is not None:
        held.result_action_id = action.id
    sql.update_existing(session, table, by_prop, action.id, now)
    ctx.checkpoint("import-contacts-updated")
    sql.insert_new(session, table, initial_status=initial.value, action_id=action.id, now=now, new_rows=created)
    ctx.checkpoint("import-contacts-created")
    changed = sql.stamped_count(session, action.id)
    tier_before, tier_after = check_tier_upgrade(session, account, action, created + updated)
    report_path = report_text = None
    if bad and not dry_run:
        report_path, report_text = report()
    runs: tuple = ()
    if session.scalar(select(func.count()).select_from(Workflow).where(Workflow.enabled == true())):
        # workflows enroll the contacts an import creates or updates, as they do created ones
        runs = tuple(workflows.run_enabled(session, ctx, only=sql.imported_contacts(session, table),
                                           requested_by=actor.name))
    sql.drop_staging(session, table)
    action.matched, action.changed = created + updated, changed
    action.description = f"import {name}: {rows:,} rows, {created:,} created, {updated:,} updated, {bad:,} bad"
    action.details = {"file": name, "rows": rows, "created": created, "updated": updated,
                      "status_changed": changed - created, "bad_rows": bad, "ignored_columns": ignored,
                      "as_marketing": bool(as_marketing), "tier_before": tier_before, "tier_after": tier_after,
                      "error_report": report_path, "marketing_changes": going,
                      "held_action_id": None if held is None else held.id}
    ctx.checkpoint("import-recorded")
    if progress:
        progress(rows, rows)
    if dry_run:
        plan = plan_of(account)
        fc = Forecast("import", rows, changed,
                      before=side(counts_before, replace(plan, tier=tier_at_start), tier_at_start),
                      after=side(queries.status_counts(session), plan, account.tier))
        raise _StrictAbort(ImportResult(  # rolls the whole import back
            action_id=None, created=created, updated=updated, status_changed=changed - created,
            error_csv_path=None, error_csv_text=None, applied=False, tier_before=tier_before,
            tier_after=tier_after, marketing_changes=going, dry_run=True, forecast=fc,
            would_be_held=would_be_held, **common))
    return ImportResult(action_id=action.id, created=created, updated=updated, status_changed=changed - created,
                        error_csv_path=report_path, error_csv_text=report_text,
                        tier_before=tier_before, tier_after=tier_after, marketing_changes=going,
                        workflow_runs=runs, **common)


@contextmanager
def _gc_paused():
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


def _chunks(records: Iterator, size: int):
    while chunk := list(itertools.islice(records, size)):
        yield chunk


# ---------------------------------------------------------------------------
# Reading the file

class _Input:
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


# ---------------------------------------------------------------------------
# Validation, one chunk at a time, column by column

class _ChunkValidator:
    def __init__(self, headings: list[str], by_prop: dict[str, int], tz: ZoneInfo):
        self.headings, self.by_prop, self.tz = headings, by_prop, tz
        self.width = len(headings)

    def validate(self, chunk: list[tuple[int, list[str], str | None]]) -> list[tuple]:
        """Staging rows (``store.importing.STAGING_COLUMNS`` order) for a chunk of records.

        Column by column: each distinct value of an enumeration, boolean or
        unparsable date is parsed once (``pd.factorize``), dates go through pandas in
        bulk, and simple per-value checks are list comprehensions over one column
        (pandas' own string methods on object columns loop in Python too, slower).
        """
        n = len(chunk)
        row_nos = [r for r, _, _ in chunk]
        rows = [row for _, row, _ in chunk]
        errors = np.full(n, None, dtype=object)
        for i in [i for i, (_, _, problem) in enumerate(chunk) if problem is not None]:
            errors[i] = chunk[i][2]
            rows[i] = [v.replace("\x00", "\ufffd") for v in rows[i]]  # a bad row; never stored with a NUL
        for i in [i for i, row in enumerate(rows) if len(row) > self.width]:
            if any(v.strip() for v in rows[i][self.width:]):
                _add(errors, [i], f"more values than headings ({len(rows[i])} > {self.width})")
        data = list(zip(*rows))  # every row has at least `width` values; zip drops any extra ones
        out: dict[str, object] = {}

        def column(prop: str) -> list[str] | None:
            i = self.by_prop.get(prop)
            return None if i is None else read_cells(data[i])

        # email
        vals = column("email")
        match = _EMAIL.match
        ok = np.fromiter((len(v) <= EMAIL_MAX and match(v) is not None for v in vals), dtype=bool, count=n)
        missing = np.fromiter((not v for v in vals), dtype=bool, count=n)
        ok &= ~missing
        _add(errors, np.flatnonzero(missing), "email is missing")
        bad = np.flatnonzero(~ok & ~missing)
        _add(errors, bad, [f"invalid email {_shown(vals[i])}" for i in bad])
        out["email"] = [v.lower() if good else v for v, good in zip(vals, ok.tolist())]
        out["email_ok"] = ok

        for prop, limit in cols.TEXT_LIMITS.items():
            vals = column(prop)
            if vals is None:
                continue
            lengths = np.fromiter(map(len, vals), dtype=np.int64, count=n)
            long = np.flatnonzero(lengths > limit)
            _add(errors, long, [f"{self._heading(prop)} too long ({lengths[i]} characters, at most {limit})"
                                for i in long])
            out[prop] = [v or None for v in vals]

        self._enum(column, errors, out, "lifecycle_stage", lambda v: LifecycleStage.parse(v).value)
        self._enum(column, errors, out, "marketing_status", lambda v: Status.parse(v).value)
        self._enum(column, errors, out, "source", _source_or_none)
        for prop in cols.DATE_PROPERTIES:
            vals = column(prop)
            if vals is None:
                continue
            values, bad = cols.parse_datetimes(vals, self.tz)
            h = self._heading(prop)
            _add(errors, np.flatnonzero(bad),
                 [f"unparsable {h} {_shown(vals[i])} (use ISO 8601: YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], "
                  "optionally with an offset such as +01:00 or Z)" for i in np.flatnonzero(bad)])
            out[prop] = sql.datetime_texts(values)
        for prop in cols.BOOL_PROPERTIES:
            h = self._heading(prop)
            self._enum(column, errors, out, prop, cols.parse_bool,
                       lambda v, h=h: f"{h} {v!r} is not a yes/no value (yes, no, true, false, 1, 0)")

        status = out.get("marketing_status")
        pending_flag = out.get("pending_non_marketing")
        if status is None:
            status_v = intent = pending = itertools.repeat(None)
        else:
            says_m = status == "marketing"
            says_pending = says_m & (np.array([p is True for p in pending_flag]) if pending_flag is not None
                                     else np.zeros(n, dtype=bool))
            intent = np.where(says_m & ~says_pending, "set_marketing",
                              np.where(status == "non_marketing", "set_non_marketing", None)).astype(object)
            intent[says_pending] = "set_non_marketing"
            intent = intent.tolist()
            status_v = status.tolist()
            pending = [bool(p) if s is not None else None for p, s in zip(says_pending.tolist(), status_v)]

        def col(prop):
            v = out.get(prop)
            return itertools.repeat(None) if v is None else (v.tolist() if isinstance(v, np.ndarray) else v)

        return list(zip(
            row_nos, col("email"), col("email_ok"), col("first_name"), col("last_name"), col("company"),
            col("country"), col("lifecycle_stage"), col("source"), col("created_at"), col("last_activity_at"),
            col("hard_bounced"), col("unsubscribed"), status_v, pending, intent, errors.tolist(),
        ))

    def _heading(self, prop: str) -> str:
        i = self.by_prop.get(prop)
        return cols.EXPORT_HEADINGS[prop] if i is None else self.headings[i]

    def _enum(self, column, errors, out, prop, parse, message=None) -> None:
        """Parse each distinct value once (pd.factorize), then spread the results."""
        vals = column(prop)
        if vals is None:
            return
        codes, uniques = pd.factorize(np.array(vals, dtype=object), sort=False)
        values = np.empty(len(uniques), dtype=object)
        reasons = np.full(len(uniques), None, dtype=object)
        for j, u in enumerate(uniques):
            if u == "":
                continue  # blank: unknown, keeps the stored value
            try:
                values[j] = parse(u)
            except (ValueError, ValidationError) as e:
                reasons[j] = message(u) if message else str(e)
        row_reasons = reasons[codes]
        bad = np.flatnonzero(row_reasons != None)  # noqa: E711 (elementwise)
        _add(errors, bad, row_reasons[bad].tolist())
        out[prop] = values[codes]


def _shown(value: str, limit: int = 100) -> str:
    """A value quoted for an error message, cut short when long."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value):,} characters)"


def _source_or_none(value: str):
    try:
        return Source.parse(value).value
    except ValidationError:
        return None  # a CRM's "Original Source" such as "Organic search": not a source tool


def _add(errors: np.ndarray, indexes, messages) -> None:
    if isinstance(messages, str):
        messages = itertools.repeat(messages)
    for i, m in zip(indexes, messages):
        errors[i] = m if errors[i] is None else f"{errors[i]}; {m}"


# ---------------------------------------------------------------------------
# The error report

def _write_report(session, table, src: _Input, headings: list[str], errors_path) -> tuple[str | None, str | None]:
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
