"""What the Workflows panel shows, as HTML: a workflow's table cells, its dry run
(would-enroll count, a sample, the forecast table) and the result of a run.

Plain functions of the services' results (no widgets); the panel is in
``workflows_panel``, which re-exports these names.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from ..domain.forecast import AFTER, AT_UPDATE, AT_UPDATE_WITHOUT, NOW
from .panel_kit import Markup, day, forecast_table, html, join, note_html, num, plural

ACTION_OPTIONS = [("Set as non-marketing", "non_marketing"), ("Set as marketing", "marketing")]
ACTION_LABELS = {v: k for k, v in ACTION_OPTIONS}

# The dry run's forecast table: (css name, Forecast column, heading).
FORECAST_COLUMNS = (("now", NOW, "Now"), ("after-run", AFTER, "After the run"),
                    ("at-update", AT_UPDATE, "After {when}"),
                    ("at-update-without", AT_UPDATE_WITHOUT, "After {when} without this workflow"))


# ---- plain functions: what the view shows -------------------------------------------

def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, str(action))


# When a workflow that is on runs (services.workflows, services.enrolment): said in its
# Status cell. The one place these words live.
RUNS_WHEN_ON = "Runs when contacts are created or imported, and at each scheduled"
RUN_COMMAND = "mcwidgets workflows run"


def schedule_html(enabled: bool) -> Markup:
    """How a workflow runs, after its On/Off badge: on, when contacts are created or
    imported and at each scheduled ``mcwidgets workflows run``; off, not at all."""
    if not enabled:
        return Markup("")
    return html('<div class="mcw-note mcw-wf-schedule">{} <code>{}</code>.</div>', RUNS_WHEN_ON, RUN_COMMAND)


def workflow_cells(info) -> dict[str, Markup]:
    """The table cells of one workflow (HTML), by column key."""
    state = "on" if info.enabled else "off"
    return {
        "name": html('<span class="mcw-wf-name-text" data-workflow="{0}">{0}</span>{1}', info.name,
                     Markup(' <span class="mcw-note">(re-enrolls)</span>') if info.reenroll else ""),
        "state": html('<span class="mcw-badge mcw-badge-{0}" data-value="{0}" data-workflow="{1}">{2}</span>{3}',
                      state, info.name, "On" if info.enabled else "Off", schedule_html(info.enabled)),
        "action": html('<span data-value="{}" data-workflow="{}">{}</span>', info.action, info.name,
                       action_label(info.action)),
        "trigger": html('<span data-workflow="{}">{}</span>', info.name, info.trigger_text),
        "enrolled": html('<span data-value="{}" data-workflow="{}">{:,}</span>', int(info.enrolled), info.name,
                         int(info.enrolled)),
    }


def forecast_figures(fc) -> dict[str, dict[str, float | int | None]]:
    """A workflow's Forecast as table columns: now; once it ran; after the next update
    date with the run; after it without the run (``Forecast.columns``)."""
    columns = fc.columns()
    return {name: asdict(columns[column]) for name, column, _ in FORECAST_COLUMNS}


def forecast_table_html(fc, update_date: date) -> Markup:
    return forecast_table(fc, update_date, FORECAST_COLUMNS, prefix="mcw-wf-dr", cls="mcw-wf-figures")


def status_label(marketing_status: str, pending: bool) -> str:
    if marketing_status == "marketing":
        return "Marketing (pending non-marketing)" if pending else "Marketing"
    return "Non-marketing"


def sample_table_html(sample: list[dict]) -> Markup:
    if not sample:
        return Markup("")
    rows = join(html('<tr data-contact="{0}"><td class="mcw-num">{0}</td><td>{1}</td><td>{2}</td><td>{3}</td></tr>',
                     int(r["id"]), r.get("email") or "",
                     " ".join(x for x in (r.get("first_name"), r.get("last_name")) if x),
                     status_label(r.get("marketing_status"), bool(r.get("pending_non_marketing"))))
                for r in sample)
    return html('<table class="mcw-table mcw-wf-sample"><tr><th class="mcw-num">Id</th><th>Email</th><th>Name</th>'
                "<th>Status now</th></tr>{}</table>", rows)


def dry_run_html(dr, update_date: date) -> Markup:
    fc = dr.forecast
    transition = "non-marketing" if fc.transition == "set_non_marketing" else "marketing"
    n = dr.would_enroll
    pending = (html(" (pending until {})", day(update_date)) if transition == "non-marketing" and fc.changes
               else "")
    effect = html("{} {} would be set as {}{}", num(fc.changes, "mcw-wf-would-change"),
                  plural(fc.changes, "contact"), transition, pending)
    shown_note = note_html(f"The first {len(dr.sample)} of them:") if n > len(dr.sample) else ""
    return html('<div class="mcw-wf-dr-title">Dry run of <span class="mcw-wf-dr-name">{}</span></div>'
                "<div>It would enroll {} {} now; {}. Nothing has changed.</div>{}{}{}", dr.workflow,
                num(n, "mcw-wf-would-enroll"), plural(n, "contact"), effect, shown_note,
                sample_table_html(dr.sample), forecast_table_html(fc, update_date))


def run_result_html(name: str, result, held=None, spike_limit: int | None = None) -> tuple[str, Markup]:
    """(css class, HTML) of what a run did: ``result`` a RunResult or None (turned on
    without enrolling existing contacts); ``held`` the HeldRow when the guard held it."""
    wf = html('<span class="mcw-wf-result-name">{}</span>', name)
    if result is None:
        return "mcw-ok", html("Workflow {} is on. Contacts that already meet the triggers were not enrolled; "
                              "contacts that meet them from now on will be.", wf)
    if result.held_id is not None:
        count = f" would set {held.count:,} contacts as marketing" if held is not None else ""
        limit = f" (the spike limit is {spike_limit:,})" if spike_limit is not None else ""
        return "mcw-held", html("<strong>Held by the spike guard.</strong> Workflow {}{}, more than the spike limit "
                                "allows{}. Nothing changed: an admin approves or rejects it in Settings, held "
                                'action <span class="mcw-wf-held-id" data-value="{}">#{}</span>.', wf, count, limit,
                                result.held_id, result.held_id)
    if result.enrolled == 0:
        return "mcw-ok", html("Workflow {}: no contact meets the triggers now; nothing changed.", wf)
    return "mcw-ok", html("Workflow {} enrolled {} {} and changed {}.", wf,
                          num(result.enrolled, "mcw-wf-result-enrolled"), plural(result.enrolled, "contact"),
                          num(result.changed, "mcw-wf-result-changed"))


__all__ = [
    "ACTION_LABELS",
    "ACTION_OPTIONS",
    "FORECAST_COLUMNS",
    "RUNS_WHEN_ON",
    "RUN_COMMAND",
    "action_label",
    "dry_run_html",
    "forecast_figures",
    "forecast_table_html",
    "run_result_html",
    "sample_table_html",
    "schedule_html",
    "status_label",
    "workflow_cells",
]
