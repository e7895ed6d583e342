"""The Activity panel: the audit trail of actions, with undo, and a contact's history.

The actions list shows, newest first, when, what, who, how many contacts changed
(of how many selected; "—" for a change of users, permissions, default statuses or
account settings, whose description says what changed from what to what) and the
description; "Load more" reads the next older page.
Actions that set contacts as non-marketing (bulk action, wizard, workflow) and are
not undone yet have an Undo button, which asks for confirmation; undo needs the
"Edit marketing contacts" permission (the button is hidden without it, and the
service refuses anyway). Below, a contact id shows that contact's history: when,
action, actor, old -> new status and the pending flag.

Stable CSS classes: ``mcw-activity``, ``mcw-act-table``, ``mcw-act-row`` (cells
``mcw-act-when``, ``mcw-act-what``, ``mcw-act-who``, ``mcw-act-changed``,
``mcw-act-description``; each carries ``data-action``), ``mcw-act-undo``,
``mcw-act-undone``, ``mcw-act-more``, ``mcw-act-contact-id``, ``mcw-act-show-history``,
``mcw-act-history`` (a table ``mcw-act-history-table``, one ``tr[data-action]`` per
change), and the shared ``mcw-confirm``, ``mcw-progress``, ``mcw-message``.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..domain.errors import ValidationError
from ..domain.undo import can_undo, undo_question, undone_phrase
from ..services.settings_audit import SETTINGS_KINDS  # no contact changes
from .panel_kit import (
    Markup,
    Panel,
    button,
    buttons_row,
    current_user,
    error_html,
    html,
    html_widget,
    join,
    note_html,
    num,
    plural,
    readable,
    replace_children,
    section,
    show,
    style,
    when,
)

KIND_LABELS = {
    "set_marketing": "Set as marketing",
    "set_non_marketing": "Set as non-marketing",
    "wizard": "Manage marketing contacts wizard",
    "workflow_non_marketing": "Workflow: set as non-marketing",
    "workflow_marketing": "Workflow: set as marketing",
    "rollover": "Update date: pending contacts became non-marketing",
    "import": "Import",
    "create": "Contact created",
    "form": "Form submission",
    "undo": "Undo",
    "demo": "Demo data",
    "user_added": "User added",
    "permission_changed": "Permission changed",
    "default_changed": "Default status changed",
    "account_changed": "Account settings changed",
    "tier_raised": "Contact tier raised",
    "tier_acknowledged": "Tier change acknowledged",
}

ACTOR_LABELS = {"workflow": "workflow", "import": "import", "form": "form", "rollover": "update date",
                "system": "system"}
STATUS_LABELS = {"marketing": "Marketing", "non_marketing": "Non-marketing", None: "—"}
COLUMNS = ("When", "What", "Who", "Changed", "Description", "")
GRID_COLUMNS = "150px 220px 170px minmax(90px, max-content) minmax(200px, 3fr) auto"  # "400 of 400" on one line
PAGE_SIZE = 50



# ---- plain functions: what the view shows -------------------------------------------

def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def who_label(actor_kind: str, actor: str) -> str:
    """"alice", "workflow 'Dutch out'", "update date"."""
    if actor_kind == "user":
        return actor
    label = ACTOR_LABELS.get(actor_kind, actor_kind)
    if actor_kind in ("rollover",) or not actor:
        return label
    return f"{label} {actor!r}" if actor_kind == "workflow" else f"{label} ({actor})"


def is_undoable(row) -> bool:
    """Whether Undo is offered for an action row: the service's answer (``ActionRow.undoable``,
    which knows whether the update date passed), else the domain rule on what the row holds."""
    undoable = getattr(row, "undoable", None)
    return can_undo(row.kind, row.undone_by) if undoable is None else bool(undoable)


def action_cells(row, tz: str) -> dict[str, Markup]:
    """The table cells of one action (HTML), by column key."""
    a = int(row.id)
    return {
        "when": html('<span data-action="{0}" title="action #{0}">{1}</span>', a, when(row.at, tz)),
        "what": html('<span data-action="{}" data-kind="{}">{}</span>', a, row.kind, kind_label(row.kind)),
        "who": html('<span data-action="{}">{}</span>', a, who_label(row.actor_kind, row.actor)),
        "changed": (html('<span data-action="{}" class="mcw-note">—</span>', a) if row.kind in SETTINGS_KINDS else
                    html('<span data-action="{}">{}<span class="mcw-note"> of {:,}</span></span>', a,
                         num(row.changed, "mcw-act-changed-value"), int(row.matched))),
        "description": html('<span data-action="{}">{}</span>', a, row.description),
    }


def status_text(status: str | None, pending: bool | None) -> str:
    if status is None:
        return "—"
    label = STATUS_LABELS.get(status, status)
    return f"{label} (pending)" if status == "marketing" and pending else label


def history_rows(entries, tz: str) -> list[dict[str, str]]:
    """A contact's history as text cells, oldest first."""
    return [{
        "action_id": str(e.action_id),
        "when": when(e.at, tz),
        "action": f"#{e.action_id} {kind_label(e.action)}",
        "actor": who_label(e.actor_kind, e.actor),
        "status": f"{status_text(e.old_status, e.old_pending)} → {status_text(e.new_status, e.new_pending)}",
        "pending": f"{yes_no(e.old_pending)} → {yes_no(e.new_pending)}",
    } for e in entries]


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("Yes" if value else "No")


def history_html(contact: dict, entries, tz: str) -> Markup:
    head = html('<div class="mcw-note">History of contact <span class="mcw-act-history-contact" data-value="{0}">'
                "#{0} {1}</span>: now {2}.</div>", int(contact["id"]), contact.get("email") or "",
                status_text(contact.get("marketing_status"), contact.get("pending_non_marketing")))
    rows = history_rows(entries, tz)
    if not rows:
        return head + note_html("No status changes recorded.")
    body = join(html('<tr data-action="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                     r["action_id"], r["when"], r["action"], r["actor"], r["status"], r["pending"]) for r in rows)
    return head + html('<table class="mcw-table mcw-act-history-table"><tr><th>When</th><th>Action</th><th>By</th>'
                       "<th>Status (old → new)</th><th>Marketing until next update (old → new)</th></tr>{}</table>",
                       body)


def parse_contact_id(text) -> int:
    value = str(text or "").strip().lstrip("#")
    if not value.isdigit():
        raise ValidationError("enter a contact id (a whole number, e.g. 42)")
    return int(value)


# ---- the view ------------------------------------------------------------------------

class ActionRowView:
    """The widgets of one action in the list."""

    def __init__(self, row, tz: str, can_undo: bool):
        self.row = row
        self.cells: dict[str, widgets.HTML] = {}
        for key, value in action_cells(row, tz).items():
            cell = widgets.HTML(value)
            cell.add_class("mcw-cell")
            cell.add_class("mcw-act-row")
            cell.add_class(f"mcw-act-{key}")
            self.cells[key] = cell
        self.undo = button("Undo", "mcw-act-undo", "warning",
                           tooltip="Put the contacts it set as non-marketing back as marketing contacts")
        show(self.undo, can_undo and is_undoable(row))
        undone = (html('<span class="mcw-badge mcw-badge-undone mcw-act-undone" data-value="{0}">undone by #{0}'
                       "</span>", int(row.undone_by)) if row.undone_by is not None else "")
        self.undone = widgets.HTML(undone)
        self.tail = buttons_row(self.undo, self.undone)
        self.tail.add_class("mcw-cell")
        self.tail.add_class("mcw-act-row")

    @property
    def widgets(self) -> list[widgets.Widget]:
        return [*self.cells.values(), self.tail]


class ActivityPanel(Panel):
    """See the module docstring. ``page_size`` actions are read at a time."""

    def __init__(self, app, *, page_size: int = PAGE_SIZE):
        super().__init__(app, "mcw-activity")
        self.page_size = page_size
        self.loaded: list = []  # ActionRows shown, newest first
        self.more = True  # older actions may exist
        self.views: dict[int, ActionRowView] = {}
        self.history_contact: int | None = None
        self.history_entries: list = []
        self.last_undo = None
        self.tz = "UTC"
        self.can_undo = False

        self.table = widgets.GridBox([], layout=widgets.Layout(grid_template_columns=GRID_COLUMNS, width="100%"))
        self.table.add_class("mcw-grid")
        self.table.add_class("mcw-act-table")
        self.empty = html_widget("mcw-act-empty", note_html("No actions yet."))
        self.more_button = button("Load more", "mcw-act-more", tooltip="Show older actions")
        self.more_button.on_click(lambda _b: self.load_more())

        self.contact_id = widgets.Text(description="Contact id", placeholder="e.g. 42", continuous_update=False,
                                       layout=widgets.Layout(width="240px"))
        self.contact_id.add_class("mcw-act-contact-id")
        self._typing = True  # False while the panel itself sets the box
        self.contact_id.observe(lambda _c: self.show_history() if self._typing else None, names="value")
        self.history_button = button("Show history", "mcw-act-show-history")
        self.history_button.on_click(lambda _b: self.show_history())
        self.history = widgets.HTML("")
        self.history.add_class("mcw-act-history")
        history_box = widgets.VBox([buttons_row(self.contact_id, self.history_button), self.history])
        history_box.add_class("mcw-act-history-box")

        self.children = [style(), section("Actions", "mcw-act-title"),
                         widgets.HTML(note_html("Every change of marketing contact status, and of users, "
                                                "permissions, default statuses and account settings, newest first. "
                                                "An action that set contacts as non-marketing can be undone while "
                                                "they are still pending (before the update date).")),
                         self.confirm, self.progress, self.message, self.table, self.empty,
                         buttons_row(self.more_button),
                         section("Contact history", "mcw-act-history-title"), history_box]
        self.refresh()
        app.on_change(self._on_app_change)

    def action_buttons(self) -> list[widgets.Button]:
        return [self.more_button, self.history_button, *(v.undo for v in self.views.values())]

    # ---- the actions list ------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read as many of the newest actions as are shown (at least a page), and the
        contact history shown."""
        self.tz = self.app.account().timezone
        me = current_user(self.app)
        self.can_undo = bool(me and me["can_edit_marketing"])
        oldest = self.loaded[-1].id if self.loaded else None
        limit = min(len(self.loaded) + self.page_size, 1000)  # the service's cap
        rows = list(self.app.actions(limit))
        self.more = len(rows) == limit
        if oldest is not None:  # the rows shown and any newer ones, not older ones
            kept = [r for r in rows if r.id >= oldest]
            self.more = self.more or len(kept) < len(rows)
            rows = kept
        self.loaded = rows
        self._render()
        if self.history_contact is not None:
            self._load_history(self.history_contact)

    def load_more(self) -> None:
        """Append the next page of older actions."""
        if not self.loaded:
            return self.refresh()
        try:
            page = list(self.app.actions(self.page_size, before_id=self.loaded[-1].id))
        except Exception as e:
            self.error(f"Could not read more actions: {readable(e, capital=False)}")
            return
        self.loaded.extend(page)
        self.more = len(page) == self.page_size
        self._render()

    def _render(self) -> None:
        head = []
        for title in COLUMNS:
            cell = widgets.HTML(html("<span>{}</span>", title))
            cell.add_class("mcw-cell")
            cell.add_class("mcw-head")
            head.append(cell)
        self.views = {}
        children: list[widgets.Widget] = head
        for row in self.loaded:
            view = ActionRowView(row, self.tz, self.can_undo)
            view.undo.on_click(lambda _b, r=row: self.ask_undo(r.id))
            view.undo.disabled = self.busy
            self.views[row.id] = view
            children.extend(view.widgets)
        replace_children(self.table, children)  # the rows shown before are closed (they would pile up)
        show(self.table, bool(self.loaded))
        show(self.empty, not self.loaded)
        show(self.more_button, self.more and bool(self.loaded))

    # ---- undo ------------------------------------------------------------------------
    def ask_undo(self, action_id: int) -> None:
        view = self.views.get(action_id)
        what = f"action #{action_id}"
        if view is not None:
            r = view.row
            what = f"action #{action_id} ({kind_label(r.kind)}, {when(r.at, self.tz)}, {r.changed:,} " \
                   f"{plural(r.changed, 'contact')})"
        self.clear_message()
        self.confirm.ask(undo_question(what),
                         [("Undo", "yes", "warning"), ("Cancel", "cancel", "")],
                         lambda key: self.undo(action_id) if key == "yes" else None)

    def undo(self, action_id: int) -> None:
        view = self.views.get(action_id)

        def done(result):
            self.last_undo = result
            n = result.changed
            kind = view.row.kind if view is not None else "set_non_marketing"
            self.ok(html('Undone: {} {} (action <span class="mcw-act-undo-id" '
                         'data-value="{}">#{}</span>).', num(n, "mcw-act-restored"),
                         undone_phrase(kind, n), result.action_id, result.action_id))

        self.run(f"Undoing action #{action_id}…", lambda: self.app.undo(action_id), done,
                 f"Action #{action_id} could not be undone")

    # ---- a contact's history ---------------------------------------------------------
    def show_history(self, contact_id=None) -> None:
        """Show the history of ``contact_id`` (default: the id typed in the box)."""
        self.clear_message()
        try:
            cid = parse_contact_id(self.contact_id.value if contact_id is None else contact_id)
        except Exception as e:
            self.history_contact, self.history_entries = None, []
            self.history.value = error_html(readable(e))
            return
        if contact_id is not None:
            self._typing = False
            try:
                self.contact_id.value = str(cid)
            finally:
                self._typing = True
        self._load_history(cid)

    def _load_history(self, cid: int) -> None:
        try:
            contact = self.app.contact(cid)
            entries = self.app.history(cid)
        except Exception as e:
            self.history_contact, self.history_entries = None, []
            self.history.value = error_html(readable(e))
            return
        self.history_contact, self.history_entries = cid, entries
        self.history.value = history_html(contact, entries, self.tz)


__all__ = ["ActivityPanel", "action_cells", "history_html", "history_rows", "is_undoable", "kind_label",
           "parse_contact_id", "who_label"]
