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

What a good row does
    A blank cell, or a column the file lacks, keeps the stored value. "Record ID"
    is recognised but not imported (contacts are matched by email only); a heading
    no built-in property recognises is a custom property (``csvcolumns``): an
    existing one, or a new one created by the import (``new_properties``; a dry run
    lists the ones it would create), and a value that does not fit its type makes
    the row bad. Headings the mapping ignores are listed in ``ignored_columns``. A source-tool value the
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
    On PostgreSQL those statements run per chunk, on a thread of their own while the
    next chunk is read and validated (``import_pipeline``), so the server's work and
    the Python work overlap; on SQLite once, after the whole file is staged.
    Memory holds one chunk, whatever the size of the file (duplicates are found in
    SQL, not in a Python set). Due rollovers are applied first (committed on their
    own, as for every action: ``unit_of_work.action_session``); then the whole import,
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

Where the parts live
    Reading the file (delimiter, quoting, malformed records): ``import_read``;
    checking the values, one chunk at a time, column by column: ``import_validate``;
    the error report: ``import_report``; this module: the use case (permission,
    staging, spike guard, the one transaction, workflows) and its result.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, true

from ..domain.actors import Actor, ActorKind
from ..domain.contacts import Source
from ..domain.errors import Conflict, ValidationError
from ..domain.forecast import Forecast, side
from ..domain.status import Status
from ..store import importing as sql
from ..store.custom import load_schema
from ..store.engine import is_postgres
from ..store import queries
from ..store.models import HeldAction, Workflow
from . import csvcolumns as cols
from . import enrolment, held_guard
from .account import check_tier_upgrade, ensure_account
from .actions import start_action
from .context import Context
from .contacts import default_statuses, not_permitted_note
from .forecast import plan_of
from .import_pipeline import ChunkPipeline
from .import_read import CsvInput, chunks, gc_paused
from .import_report import write_report
from .import_validate import ChunkValidator, CustomPlan, plan_custom_columns
from .properties import add_property
from .permissions import acting_user, holds_edit_marketing, require_edit_marketing, require_user
from .unit_of_work import action_session

Progress = Callable[[int, "int | None"], None]

MAX_LISTED_ERRORS = 1000  # in ImportResult.errors; the error report has them all


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
    # Custom properties the import created (or, in a dry run, would create): (name, type, label).
    new_properties: tuple[tuple[str, str, str], ...] = ()


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
    with CsvInput(path_or_file) as src:
        headings = src.headings()
        with ctx.read() as session:  # refuse before anything is written, rollovers included
            _check_actor(session, actor, as_marketing)
            schema = load_schema(session)
        builtin_mapping, custom_mapping = cols.split_mapping(mapping, schema.custom_fields)
        by_prop, _, ignored = cols.resolve_columns(headings, builtin_mapping)
        markers = cols.marker_columns(headings, by_prop, mapping)  # Mailchimp's CLEAN_TIME, UNSUB_TIME
        by_prop = {**by_prop, **markers}
        custom = plan_custom_columns(src, headings, by_prop, custom_mapping, builtin_mapping, schema)
        ignored = [h for h in ignored if h in custom.ignored]
        try:
            with action_session(ctx) as session:  # due rollovers first, then one transaction
                _check_actor(session, actor, as_marketing)
                return _run(ctx, session, actor, src, headings, by_prop, ignored, as_marketing=as_marketing,
                            strict=strict, progress=progress, chunk_rows=chunk_rows, errors_path=errors_path,
                            mapping=mapping, dry_run=dry_run, custom=custom, markers=tuple(markers))
        except _StrictAbort as abort:
            return abort.result


def _stream(src: CsvInput, validator: ChunkValidator, session, apply, chunk_rows: int, progress) -> int:
    """Read and validate the file chunk by chunk, each handed to ``apply`` on the pipeline's
    thread while the next is read; returns the data rows read."""
    rows = 0
    with gc_paused(), ChunkPipeline(session, apply) as pipeline:
        for chunk in chunks(src.records(), chunk_rows):
            pipeline.put(validator.validate(chunk))
            rows += len(chunk)
            if progress:
                progress(rows, None)
    return rows


def _check_actor(session, actor: Actor, as_marketing: bool) -> None:
    if as_marketing:
        require_edit_marketing(session, actor)
    else:
        require_user(session, actor)


def _run(ctx, session, actor, src: "CsvInput | None", headings, by_prop, ignored, *, as_marketing, strict,
         progress, chunk_rows, errors_path, mapping, held: HeldAction | None = None,
         dry_run=False, custom: CustomPlan = CustomPlan(), markers=()) -> ImportResult:
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
    for f in custom.new:  # created in this transaction: nothing of them stays if the import fails
        add_property(session, actor, now, f.name, f.label, f.type, f.options)
    validator = ChunkValidator(headings, by_prop, ZoneInfo(account.timezone), custom=custom.columns,
                               markers=markers)
    if custom.columns:  # update_existing merges the rows' custom values (a held import's payload keeps it)
        by_prop = {**by_prop, "custom": -1}

    table = sql.create_staging(session)
    name = src.name if src is not None else (held.payload or {}).get("name", "a held file")
    marking = dict(new_default_is_marketing=initial is Status.MARKETING)
    # PostgreSQL applies a file chunk by chunk on the pipeline's thread while the next chunk
    # is read and validated: the server's work (staging, the contacts' indexes, the audit
    # rows) overlaps the Python work instead of following it. SQLite stages every row first
    # and then applies them set-based: there the statements hold the same process and its
    # GIL, so applying by chunk gained nothing and cost index upkeep (measured: 5-8 % slower).
    by_chunk = held is None and is_postgres(session.get_bind())
    if by_chunk:
        # Inside a savepoint: if the spike guard holds the import after all, it is undone
        # (below). Each chunk's statements see only its own rows and those staged before it,
        # which is all the rules need: a duplicate's first row comes before it in the file,
        # and two chunks never touch the same contact (a second row of an email is a duplicate).
        sql.index_staging(session, table)  # built empty, kept up to date as chunks arrive
        savepoint = session.begin_nested()
        action = start_action(session, "import", actor, now, description=f"import {name}")
        tally = {"going": 0, "chunks": 0}  # what the good rows set as marketing (the spike guard)

        def apply(chunk_rows) -> None:
            sql.load_staging(session, table, chunk_rows)
            if not tally["chunks"]:
                sql.analyze_staging(session)
            tally["chunks"] += 1
            span = (chunk_rows[0][0], chunk_rows[-1][0])
            sql.match_existing(session, table, rows=span)
            sql.mark_duplicates(session, table, rows=span)
            if not may_set_marketing:
                sql.mark_not_permitted(session, table, rows=span, **marking)
            tally["going"] += sql.marketing_changes(session, table, initial_status=initial.value, rows=span)
            sql.update_existing(session, table, by_prop, action.id, now, rows=span)
            sql.insert_new(session, table, initial_status=initial.value, action_id=action.id, now=now, rows=span)

        rows = _stream(src, validator, session, apply, chunk_rows, progress)
        going = tally["going"]
        sql.analyze_staging(session)
        ctx.checkpoint("import-staged")
    else:
        if held is None:
            rows = _stream(src, validator, session, lambda chunk_rows: sql.load_staging(session, table, chunk_rows),
                           chunk_rows, progress)
        else:
            rows = sql.load_held_rows(session, table, held.id)
        ctx.checkpoint("import-staged")
        sql.index_staging(session, table)
        sql.match_existing(session, table)
        if held is None:  # a held import's duplicates were marked when it was held
            sql.mark_duplicates(session, table)
        if not may_set_marketing:
            sql.mark_not_permitted(session, table, **marking)
        going = sql.marketing_changes(session, table, initial_status=initial.value)
    created, updated, bad = sql.outcome_counts(session, table)
    not_permitted = (session.scalar(select(func.count()).select_from(table).where(
        table.c.error.is_(None), table.c.email_ok, table.c.contact_id.is_(None), table.c.status.is_(None)))
        or 0) if default_refused else 0
    note = not_permitted_note(user.name, not_permitted, "import") if not_permitted else None
    errors = list(sql.error_rows(session, table, MAX_LISTED_ERRORS))
    columns = ({headings[i]: p for p, i in sorted({**by_prop, **{n: i for i, n in custom.by_heading.items()}}
                                                  .items(), key=lambda kv: kv[1]) if i >= 0}
               if held is None else dict((held.payload or {}).get("columns", {})))
    common = dict(rows=rows, bad_rows=bad, errors=errors, ignored_columns=tuple(ignored), columns=columns,
                  strict=strict, not_permitted=not_permitted, note=note,
                  new_properties=tuple((f.name, f.type, f.label) for f in custom.new))

    report = (lambda: write_report(session, table, src, headings, errors_path)) if src is not None else (
        lambda: ((held.payload or {}).get("error_report"), None))
    if strict and bad:
        report_path, report_text = report()
        result = ImportResult(action_id=None, created=0, updated=0, status_changed=0,
                              error_csv_path=report_path, error_csv_text=report_text, applied=False,
                              tier_before=account.tier, tier_after=account.tier, **common)
        raise _StrictAbort(result)  # rolls the transaction back: nothing applied

    limit = held_guard.spike_limit(account)
    would_be_held = going > limit
    if held is None and would_be_held and not dry_run:
        if src.path is None:
            raise Conflict(f"this import would set {going:,} contacts as marketing, more than the spike limit "
                           f"of {limit:,}: import it from a file path, so that an admin can approve it")
        report_path, report_text = report() if bad else (None, None)
        if by_chunk:
            # Undo what the chunks applied (the action too); the staged rows go with it, so the
            # file is staged again, as read now, without applying it: that is what is held.
            savepoint.rollback()
            _stream(src, validator, session, lambda chunk_rows: sql.load_staging(session, table, chunk_rows),
                    chunk_rows, None)
            sql.analyze_staging(session)
            sql.match_existing(session, table)
            sql.mark_duplicates(session, table)
            if not may_set_marketing:
                sql.mark_not_permitted(session, table, **marking)
        payload = {"file": str(src.path.resolve()), "name": src.name, "actor": actor.name,
                   "actor_kind": actor.kind.value, "as_marketing": bool(as_marketing), "strict": bool(strict),
                   "mapping": mapping, "columns": columns, "present": by_prop, "ignored_columns": list(ignored),
                   "rows": rows, "error_report": report_path}
        held_id = held_guard.hold_import(session, count=going, requested_by=actor.name, payload=payload, now=now)
        # the rows as read now are what an approval applies: the file may change or go before then
        payload["staged_rows"] = sql.hold_rows(session, table, held_id)
        session.get(HeldAction, held_id).payload = payload
        sql.drop_staging(session, table)
        return ImportResult(action_id=None, created=0, updated=0, status_changed=0, error_csv_path=report_path,
                            error_csv_text=report_text, applied=False, held_action_id=held_id,
                            marketing_changes=going, tier_before=account.tier, tier_after=account.tier, **common)

    if by_chunk:
        savepoint.commit()  # releases it: what the chunks applied stays in the import's transaction
        ctx.checkpoint("import-contacts-updated")
        ctx.checkpoint("import-contacts-created")
    else:
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
        runs = tuple(enrolment.run_enabled(session, ctx, only=sql.imported_contacts(session, table),
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
