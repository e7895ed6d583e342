"""The Workflows panel: workflows that set the marketing contact status.

A table of the workflows (name, on/off, action, trigger sentence, contacts enrolled)
with, per row, Dry run for everyone and Edit / Turn on / Turn off / Run now / Delete
for admins; a form (name, a FilterBuilder for the enrollment triggers, the action,
re-enrollment) to create or edit one; the dry run shows how many contacts the
workflow would enroll now, a sample of them, and the counts and tier now, after the
run and after the next update date. Turning on asks "Enroll contacts that already
meet the triggers?" (Yes / No / Cancel); deleting asks for confirmation. A run the
spike guard held says so. Every figure and change goes through the App; the services
check the permissions (admin controls are only hidden here).

Stable CSS classes: ``mcw-workflows``, ``mcw-wf-table``, ``mcw-wf-row`` (one per
workflow, with ``mcw-wf-name``, ``mcw-wf-state`` (the On/Off badge; when on,
``mcw-wf-schedule`` says when it runs), ``mcw-wf-action``,
``mcw-wf-trigger``, ``mcw-wf-enrolled`` cells; the cells carry ``data-workflow``),
``mcw-wf-edit``, ``mcw-wf-dry-run``, ``mcw-wf-on``, ``mcw-wf-off``, ``mcw-wf-run``,
``mcw-wf-delete``, ``mcw-wf-new``, ``mcw-wf-form`` (``mcw-wf-form-name``, ``mcw-wf-form-name-message`` (an error about the name),
``mcw-wf-form-action``, ``mcw-wf-form-reenroll``, ``mcw-wf-save``, ``mcw-wf-cancel``),
``mcw-wf-dry-run-result`` (``mcw-wf-would-enroll``, ``mcw-wf-sample``, figures
``mcw-wf-dr-<row>-<column>`` with ``data-value``), ``mcw-wf-readonly``, and the
shared ``mcw-confirm``, ``mcw-progress``, ``mcw-message``, ``mcw-held``.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as widgets

from ..domain.errors import ValidationError
from ..domain.workflows import NAME_ERROR
from .background import in_background
from .filter_builder import FilterBuilder
from .panel_kit import (
    Markup,
    Panel,
    button,
    buttons_row,
    error_html,
    html,
    html_widget,
    is_admin,
    log_failure,
    note_html,
    plural,
    readable,
    replace_children,
    section,
    show,
    style,
)
from .workflow_html import (  # re-exported: tests and callers import them from here
    ACTION_OPTIONS,
    action_label,
    dry_run_html,
    forecast_figures,
    forecast_table_html,
    run_result_html,
    sample_table_html,
    workflow_cells,
)

ENROLL_QUESTION = "Enroll contacts that already meet the triggers?"
READONLY_NOTE = "Only admins can create, edit, turn on or delete workflows. You can see them and dry-run them."
NO_TRIGGERS = "No triggers yet: add at least one condition."
COLUMNS = ("Name", "Status", "Action", "Enrollment triggers", "Enrolled", "")
GRID_COLUMNS = "minmax(120px, 1.2fr) minmax(150px, 1.2fr) 180px minmax(180px, 2.5fr) 80px auto"


# ---- the view ------------------------------------------------------------------------

class WorkflowRow:
    """The widgets of one workflow in the table."""

    def __init__(self, info, admin: bool):
        self.info = info
        self.cells: dict[str, widgets.HTML] = {}
        for key, value in workflow_cells(info).items():
            cell = widgets.HTML(value)
            cell.add_class("mcw-cell")
            cell.add_class("mcw-wf-row")
            cell.add_class(f"mcw-wf-{key}")
            self.cells[key] = cell
        self.dry_run = button("Dry run", "mcw-wf-dry-run", tooltip="Which contacts it would enroll now")
        self.edit = button("Edit", "mcw-wf-edit", tooltip="Turn it off to edit it" if info.enabled else "",
                           disabled=info.enabled)
        self.on = button("Turn on", "mcw-wf-on", "success")
        self.off = button("Turn off", "mcw-wf-off")
        self.run = button("Run now", "mcw-wf-run", tooltip="Enroll the contacts that meet the triggers now")
        self.delete = button("Delete", "mcw-wf-delete", "danger")
        for b in (self.edit, self.on, self.off, self.run, self.delete):
            show(b, admin)
        show(self.on, admin and not info.enabled)
        show(self.off, admin and info.enabled)
        show(self.run, admin and info.enabled)
        self.buttons_box = buttons_row(self.dry_run, self.edit, self.on, self.off, self.run, self.delete)
        self.buttons_box.add_class("mcw-cell")
        self.buttons_box.add_class("mcw-wf-row")

    @property
    def widgets(self) -> list[widgets.Widget]:
        return [*self.cells.values(), self.buttons_box]

    @property
    def buttons(self) -> list[widgets.Button]:
        return [self.dry_run, self.edit, self.on, self.off, self.run, self.delete]


class WorkflowsPanel(Panel):
    """See the module docstring. ``debounce`` is the trigger builder's count delay."""

    def __init__(self, app, *, debounce: float = 0.3):
        super().__init__(app, "mcw-workflows")
        self.debounce = debounce
        self.infos: list = []
        self.rows: dict[str, WorkflowRow] = {}
        self.editing: str | None = None  # the workflow the form edits; None: a new one
        self.dry_run_result = None  # the last DryRun shown
        self.last_result = None  # the last run result shown (RunResult or None)
        self.admin = is_admin(app)

        self.readonly = html_widget("mcw-wf-readonly", html('<div class="mcw-readonly-note">{}</div>', READONLY_NOTE))
        show(self.readonly, not self.admin)
        self.table = widgets.GridBox([], layout=widgets.Layout(grid_template_columns=GRID_COLUMNS,
                                                               width="100%"))
        self.table.add_class("mcw-grid")
        self.table.add_class("mcw-wf-table")
        self.empty = html_widget("mcw-wf-empty", note_html("No workflows yet."))
        self.new_button = button("New workflow", "mcw-wf-new", "primary")
        self.new_button.on_click(lambda _b: self.new_workflow())
        show(self.new_button, self.admin)
        self.form = self._build_form()
        self.dry_run_html = widgets.HTML("")
        self.dry_run_html.add_class("mcw-wf-dry-run-result")
        self.children = [style(), section("Workflows", "mcw-wf-title"),
                         widgets.HTML(note_html("A workflow enrolls the contacts that meet its triggers and sets "
                                                "their marketing contact status. Each contact is enrolled once, "
                                                "unless re-enrollment is on.")),
                         self.readonly, self.table, self.empty, buttons_row(self.new_button), self.form,
                         self.confirm, self.progress, self.message, self.dry_run_html]
        self.refresh()
        app.on_change(self._on_app_change)

    # ---- building ------------------------------------------------------------------
    def _build_form(self) -> widgets.VBox:
        self.form_title = html_widget("mcw-wf-form-title")
        self.name = widgets.Text(description="Name", placeholder="e.g. Unsubscribed out",
                                 layout=widgets.Layout(width="420px"))
        self.name.add_class("mcw-wf-form-name")
        self.name_message = html_widget("mcw-wf-form-name-message")  # an error about the name, next to it
        self.name.observe(lambda _c: self._clear_name_error(), names="value")
        self.builder = FilterBuilder(self.app, debounce=self.debounce, empty_text=NO_TRIGGERS,
                                     background=in_background)  # the countries: read off the kernel's loop
        self.builder.observe(lambda _c: self._sync_save(), names="valid")
        self.action = widgets.Dropdown(options=ACTION_OPTIONS, value="non_marketing", description="Action",
                                       layout=widgets.Layout(width="320px"))
        self.action.add_class("mcw-wf-form-action")
        self.reenroll = widgets.Checkbox(value=False, indent=False,
                                         description="Re-enroll contacts that meet the triggers again after "
                                                     "leaving them", layout=widgets.Layout(width="auto"))
        self.reenroll.add_class("mcw-wf-form-reenroll")
        self.save_button = button("Save", "mcw-wf-save", "primary")
        self.cancel_button = button("Cancel", "mcw-wf-cancel")
        self.save_button.on_click(lambda _b: self.save())
        self.cancel_button.on_click(lambda _b: self.close_form())
        form = widgets.VBox([self.form_title, widgets.HBox([self.name, self.name_message]),
                             widgets.HTML(note_html(Markup("<b>Enrollment triggers</b>"))), self.builder,
                             self.action, self.reenroll, buttons_row(self.save_button, self.cancel_button)])
        form.add_class("mcw-wf-form")
        show(form, False)
        return form

    def set_busy(self, busy: bool, label: str = "") -> None:
        super().set_busy(busy, label)
        if not busy:
            self._sync_save()
            for row in self.rows.values():
                row.edit.disabled = row.info.enabled

    def action_buttons(self) -> list[widgets.Button]:
        return [self.new_button, self.save_button, self.cancel_button,
                *(b for row in self.rows.values() for b in row.buttons)]

    # ---- reading -------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the workflows and redraw the table (a shown dry run is cleared:
        its figures may be out of date)."""
        self.admin = is_admin(self.app)
        self.infos = self.app.workflows()
        self.rows = {}
        head = []
        for title in COLUMNS:
            cell = widgets.HTML(html("<span>{}</span>", title))
            cell.add_class("mcw-cell")
            cell.add_class("mcw-head")
            head.append(cell)
        children: list[widgets.Widget] = head
        for info in self.infos:
            row = WorkflowRow(info, self.admin)
            row.dry_run.on_click(lambda _b, n=info.name: self.dry_run(n))
            row.edit.on_click(lambda _b, n=info.name: self.edit_workflow(n))
            row.on.on_click(lambda _b, n=info.name: self.ask_turn_on(n))
            row.off.on_click(lambda _b, n=info.name: self.turn_off(n))
            row.run.on_click(lambda _b, n=info.name: self.run_now(n))
            row.delete.on_click(lambda _b, n=info.name: self.ask_delete(n))
            if self.busy:
                for b in row.buttons:
                    b.disabled = True
            self.rows[info.name] = row
            children.extend(row.widgets)
        replace_children(self.table, children)  # the rows shown before are closed (they would pile up)
        show(self.table, bool(self.infos))
        show(self.empty, not self.infos)
        show(self.readonly, not self.admin)
        show(self.new_button, self.admin)
        self.dry_run_html.value = ""
        self.dry_run_result = None

    # ---- the form ------------------------------------------------------------------
    def new_workflow(self) -> None:
        self.editing = None
        self.form_title.value = '<div class="mcw-wf-form-title">New workflow</div>'
        self.name.value = ""
        self.builder.clear()
        self.action.value = "non_marketing"
        self.reenroll.value = False
        self._open_form()

    def edit_workflow(self, name: str) -> None:
        try:
            info = self.app.workflow(name)
        except Exception as e:
            self.error(readable(e))
            return
        self.editing = info.name
        self.form_title.value = html('<div class="mcw-wf-form-title">Edit workflow '
                                     '<span class="mcw-wf-form-editing">{}</span></div>', info.name)
        self.name.value = info.name
        self.builder.reload_lists()
        self.builder.filter = info.trigger
        self.action.value = info.action
        self.reenroll.value = bool(info.reenroll)
        self._open_form()

    def _open_form(self) -> None:
        self.confirm.cancel()
        self.clear_message()
        self._clear_name_error()
        show(self.form, True)
        self._sync_save()

    def close_form(self) -> None:
        show(self.form, False)
        self.editing = None
        self._clear_name_error()

    def _clear_name_error(self) -> None:
        self.name_message.value = ""

    def _name_error(self, e: BaseException) -> bool:
        """Show the domain's error about the name (``domain.workflows.define``) next to
        the name box; it goes when the name changes."""
        if isinstance(e, ValidationError) and NAME_ERROR in str(e):
            self.name_message.value = error_html(readable(e))
            return True
        return False

    def _sync_save(self) -> None:
        self.save_button.disabled = self.busy or not self.builder.valid

    def save(self) -> None:
        """Create the workflow, or save the edited one (it stays off)."""
        name, trigger, action, reenroll = self.name.value, dict(self.builder.filter), self.action.value, \
            self.reenroll.value
        editing = self.editing
        if editing is None:
            def call():
                return self.app.create_workflow(name, trigger, action, reenroll=reenroll)
            verb = "created"
        else:
            def call():
                return self.app.update_workflow(editing, new_name=name, trigger=trigger, action=action,
                                                reenroll=reenroll)
            verb = "saved"

        def done(info):
            self.close_form()
            self.ok(html('Workflow <span class="mcw-wf-result-name">{}</span> {}. It is off: dry-run it, then '
                         "turn it on.", info.name, verb))

        self._clear_name_error()
        self.run("Saving…", call, done, "The workflow could not be saved", long=False,
                 on_field_error=self._name_error)

    # ---- operations ----------------------------------------------------------------
    def _update_date(self) -> date:
        return self.app.account().next_update_date

    def dry_run(self, name: str) -> None:
        def done(dr):
            self.dry_run_result = dr
            self.dry_run_html.value = dry_run_html(dr, self._update_date())

        self.run("Counting the contacts it would enroll…", lambda: self.app.workflow_dry_run(name), done,
                 "The dry run failed")

    def ask_turn_on(self, name: str) -> None:
        """Ask whether to enroll the contacts that already meet the triggers."""
        self.clear_message()
        detail = ""
        try:
            n = self.app.workflow_dry_run(name).would_enroll
            detail = (f" Yes enrolls the {n:,} {plural(n, 'contact')} that meet them now; No enrolls only "
                      "contacts that meet them from now on.")
        except Exception as e:  # the question stands without the number
            log_failure("counting for the turn-on question failed", e)
        self.confirm.ask(f"Turn on workflow {name!r}. {ENROLL_QUESTION}{detail}",
                         [("Yes", "yes", "primary"), ("No", "no", ""), ("Cancel", "cancel", "")],
                         lambda key: self.turn_on(name, enroll_existing=key == "yes") if key != "cancel" else None)

    def turn_on(self, name: str, *, enroll_existing: bool) -> None:
        label = "Turning on and enrolling contacts…" if enroll_existing else "Turning on…"
        self.run(label, lambda: self.app.turn_on_workflow(name, enroll_existing=enroll_existing),
                 lambda result: self._show_run(name, result), "The workflow could not be turned on")

    def turn_off(self, name: str) -> None:
        self.run("Turning off…", lambda: self.app.turn_off_workflow(name),
                 lambda info: self.ok(html('Workflow <span class="mcw-wf-result-name">{}</span> is off.', info.name)),
                 "The workflow could not be turned off", long=False)

    def run_now(self, name: str) -> None:
        self.run("Running the workflow…", lambda: self.app.run_workflows(name),
                 lambda results: self._show_run(name, results[0] if results else None),
                 "The workflow could not run")

    def _show_run(self, name: str, result) -> None:
        self.last_result = result
        held = None
        limit = None
        if result is not None and result.held_id is not None:
            held = next((h for h in self.app.held() if h.id == result.held_id), None)
            limit = self.app.account().effective_spike_limit
        cls, text = run_result_html(name, result, held, limit)
        self.ok(text, cls)

    def ask_delete(self, name: str) -> None:
        self.clear_message()
        self.confirm.ask(f"Delete workflow {name!r}? Its enrollment records go too; contacts keep their status.",
                         [("Delete", "yes", "danger"), ("Cancel", "cancel", "")],
                         lambda key: self.delete(name) if key == "yes" else None)

    def delete(self, name: str) -> None:
        def done(_):
            if self.editing == name:
                self.close_form()
            self.ok(html('Workflow <span class="mcw-wf-result-name">{}</span> deleted.', name))

        self.run("Deleting…", lambda: self.app.delete_workflow(name), done, "The workflow could not be deleted",
                 long=False)


__all__ = [
    "ACTION_OPTIONS",
    "ENROLL_QUESTION",
    "WorkflowsPanel",
    "action_label",
    "dry_run_html",
    "forecast_figures",
    "forecast_table_html",
    "run_result_html",
    "sample_table_html",
    "workflow_cells",
]
