"""The Contacts tab's list bar: make, fill, empty, rename and delete contact lists.

``ListBar(app, grid, builder)`` works on the grid's selection (ticked rows, or "all
N matching" the filter) and the FilterBuilder's filter, through the App's list
calls only (``lists``, ``list_info``, ``create_list``, ``add_to_list``,
``remove_from_list``, ``rename_list``, ``delete_list``), which check the acting user
and notify every view (the wizard's list step and the filter builders then offer the
new lists at once).

* "New static list": a list named as typed, with no members yet.
* "New active list from the filter": a list whose members are the contacts matching
  the filter shown (computed live); an empty or unfinished filter is refused here.
* "Add selection" / "Remove selection": the grid's selection into / out of the chosen
  static list (an active list's members come from its filter: both are disabled).
* "Rename": the chosen list gets the name typed (filters naming it follow).
* "Delete": asks first; refused by the service while a saved view, a workflow or an
  active list names the list (the message says which).

Results and errors show in the bar's own message line, under its controls.

After another view's action (``App.on_change``) the lists are read again with
``background`` (a runner of ``widgets.background``; the Contacts tab passes
``in_background``): an active list's member count is a count over the contacts (seconds
at 10,000,000), so the reads run in a worker thread while the kit's ``mcw-progress`` line
says "Updating the lists…"; only the newest read is applied, and a failure shows in the
message line. The bar's own operations read the lists when they end, as before.

Stable CSS classes: ``mcw-lists``, ``mcw-list-select``, ``mcw-list-info``,
``mcw-list-add``, ``mcw-list-remove``, ``mcw-list-name``, ``mcw-list-create-static``,
``mcw-list-create-active``, ``mcw-list-rename``, ``mcw-list-delete``, and the kit's
``mcw-message`` inside the bar; its question bar is ``mcw-ask`` (the kit's
``Confirm``, buttons ``mcw-confirm-yes`` / ``mcw-confirm-no``).
"""

from __future__ import annotations

import ipywidgets as widgets

from .background import Runner, inline
from .panel_kit import (Panel, button, buttons_row, current_user, html, html_widget, log_failure, num, plural,
                        readable, spinner)

CHOOSE = ""  # the dropdown's "no list" entry
NO_USER = "No user: read-only. Open the dashboard as a user to make or change lists."
NOTHING_SELECTED = "Tick contacts in the grid first (or select all contacts matching the filter)."
UPDATING = "Updating the lists…"


class ListBar(Panel):
    """See the module docstring."""

    refresh_failure = "Could not read the lists"

    def __init__(self, app, grid, builder, *, background: Runner | None = None):
        super().__init__(app, "mcw-lists")
        self._background: Runner = background or inline
        self._generation = 0  # bumped by every read of the lists started: only the newest is shown
        self.updating = False  # a background read of the lists is on its way
        self._read_failed = False  # the message line says a background read failed
        # the Contacts tab's one ``.mcw-confirm`` is the bulk actions' dialog (tests select it): this
        # bar asks its questions as ``mcw-ask``
        self.confirm.remove_class("mcw-confirm")
        self.confirm.add_class("mcw-ask")
        self.grid = grid
        self.builder = builder
        self.infos: dict[str, object] = {}  # name -> ListInfo of the lists offered
        self._name_error = False  # the message is about the name box: typing clears it
        self.read_only = True

        self.select = widgets.Dropdown(options=[("Choose a list…", CHOOSE)], value=CHOOSE, description="List",
                                       layout=widgets.Layout(width="300px"))
        self.select.add_class("mcw-list-select")
        self.info = html_widget("mcw-list-info")
        self.add_button = button("Add selection", "mcw-list-add", tooltip="Add the selected contacts to the list")
        self.remove_button = button("Remove selection", "mcw-list-remove",
                                    tooltip="Remove the selected contacts from the list")
        self.rename_button = button("Rename", "mcw-list-rename", tooltip="Give the list the name typed")
        self.delete_button = button("Delete", "mcw-list-delete", tooltip="Delete the list (its contacts stay)")
        self.name = widgets.Text(placeholder="name of a list", description="List name",
                                 layout=widgets.Layout(width="260px"))
        self.name.add_class("mcw-list-name")
        self.create_static_button = button("New static list", "mcw-list-create-static",
                                           tooltip="A list you add contacts to")
        self.create_active_button = button("New active list from the filter", "mcw-list-create-active",
                                           tooltip="A list whose members are the contacts matching the filter, "
                                                   "kept up to date")
        title = html_widget("mcw-list-title", html('<span class="mcw-section-title">Lists</span>'))
        chosen = buttons_row(self.select, self.info, self.add_button, self.remove_button, self.delete_button,
                             cls="mcw-list-row")
        making = buttons_row(self.name, self.create_static_button, self.create_active_button, self.rename_button,
                             cls="mcw-list-row")
        self.children = [title, chosen, making, self.confirm, self.progress, self.message]

        self.select.observe(lambda _c: self._sync(), names="value")
        self.name.observe(self._on_name, names="value")
        grid.observe(lambda _c: self._sync(), names=["selected_count", "all_matching"])
        self.add_button.on_click(lambda _b: self.add_selection())
        self.remove_button.on_click(lambda _b: self.remove_selection())
        self.create_static_button.on_click(lambda _b: self.create_static())
        self.create_active_button.on_click(lambda _b: self.create_active())
        self.rename_button.on_click(lambda _b: self.rename())
        self.delete_button.on_click(lambda _b: self.ask_delete())
        app.on_change(self._on_app_change)
        if not self.safe_refresh():
            self._sync()

    # ---- reading --------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the user and the lists (the choice is kept while its list exists), now
        (a background read started before is dropped when it arrives)."""
        self._generation += 1
        self._set_updating(False)
        self._show_lists(*self._read())

    def _read(self) -> tuple[bool, dict]:
        """(read-only, the lists by name): reads only, no widget touched (a worker may run it)."""
        try:
            read_only = current_user(self.app) is None
        except Exception as e:
            log_failure("could not read the acting user", e)
            read_only = True
        return read_only, {i.name: i for i in self.app.lists()}

    def _on_app_change(self) -> None:
        """Another view's action: read the lists again in the background, with progress."""
        if self.busy or self._running:  # an operation of this panel reads them when it ends
            return
        self._generation += 1
        generation = self._generation
        self._set_updating(True)
        try:
            self._background(self._read, lambda read, error: self._read_done(generation, read, error))
        except Exception as e:  # a view must not break the action that notified it
            self._read_done(generation, None, e)

    def _read_done(self, generation: int, read, error: BaseException | None) -> None:
        if generation != self._generation or self.busy or self._running:
            return  # a newer read is on its way, or an operation runs (it reads them when it ends)
        self._set_updating(False)
        try:
            if error is not None:
                raise error
            self._show_lists(*read)
        except Exception as e:
            log_failure("ListBar refresh failed", e)
            self.error(f"{self.refresh_failure}: {readable(e, capital=False)}")
            self._read_failed = True
            return
        if self._read_failed:  # read again: the failure no longer applies
            self._read_failed = False
            self.clear_message()

    def _set_updating(self, on: bool) -> None:
        if self.updating == on:
            return
        self.updating = on
        if not self.busy:  # (an operation's own progress line stays)
            self.progress.value = (html('<div role="status" aria-live="polite">{}</div>', spinner(UPDATING)) if on
                                   else "")

    def _show_lists(self, read_only: bool, infos: dict) -> None:
        self.read_only = read_only
        keep = self.select.value if self.select.value in infos else CHOOSE
        self.infos = infos
        self.select.options = [("Choose a list…", CHOOSE)] + [
            (f"{name} ({i.members:,} {plural(i.members, 'contact')}, {i.kind})", name)  # as the wizard's step
            for name, i in infos.items()]
        self.select.value = keep
        self._sync()

    @property
    def chosen(self):
        """The ListInfo of the chosen list, None if none."""
        return self.infos.get(self.select.value)

    def action_buttons(self) -> list[widgets.Button]:
        return [self.add_button, self.remove_button, self.rename_button, self.delete_button,
                self.create_static_button, self.create_active_button]

    def _sync(self) -> None:
        info, selected = self.chosen, self.grid.selected_count
        static = info is not None and info.kind == "static"
        blocked = self.busy or self.read_only
        for b in (self.create_static_button, self.create_active_button):
            b.disabled = blocked
        self.add_button.disabled = self.remove_button.disabled = blocked or not static or not selected
        self.rename_button.disabled = self.delete_button.disabled = blocked or info is None
        reason = (NO_USER if self.read_only else "Choose a list first." if info is None
                  else "An active list's members come from its filter." if not static
                  else NOTHING_SELECTED if not selected else "")
        self.add_button.tooltip = reason or "Add the selected contacts to the list"
        self.remove_button.tooltip = reason or "Remove the selected contacts from the list"
        if info is None:
            self.info.value = html('<span class="mcw-note">{}</span>', NO_USER) if self.read_only else ""
        else:
            self.info.value = html('<span class="mcw-list-kind">{}</span> list, {} {}', info.kind,
                                   num(info.members, "mcw-list-members"), plural(info.members, "member"))

    # ---- the name box ----------------------------------------------------------------
    def _on_name(self, change) -> None:
        if self._name_error and (change["new"] or "").strip():
            self._name_error = False
            self.clear_message()

    def _typed_name(self) -> str | None:
        name = (self.name.value or "").strip()
        if not name:
            self.error("Type a name for the list.")
            self._name_error = True
            return None
        return name

    def _name_failed(self, e: BaseException) -> bool:
        """A refusal about the name (taken, empty, too long): say it, typing clears it."""
        text = str(e)
        if "exists already" in text or "needs a name" in text or "name too long" in text:
            self.error(readable(e))
            self._name_error = True
            return True
        return False

    # ---- making lists ----------------------------------------------------------------
    def create_static(self) -> None:
        name = self._typed_name()
        if name is None:
            return
        self.run("Creating the list…", lambda: self.app.create_list(name), self._created,
                 "Could not create the list", on_field_error=self._name_failed)

    def create_active(self) -> None:
        name = self._typed_name()
        if name is None:
            return
        if not self.builder.valid:
            self.error("Finish or fix the filter first: an active list's members are the contacts matching it.")
            return
        filter = dict(self.builder.filter)
        if not filter.get("filterGroups"):
            self.error("Build a filter first: an active list's members are the contacts matching it.")
            return
        self.run("Creating the list…", lambda: self.app.create_list(name, filter), self._created,
                 "Could not create the list", on_field_error=self._name_failed)

    def _created(self, info) -> None:
        self._after(info.name)
        self.name.value = ""
        kind = "Static list" if info.kind == "static" else "Active list"
        self.ok(html("{} “{}” created, with {} {}.", kind, info.name, num(info.members, "mcw-list-result"),
                     plural(info.members, "member")))

    def _after(self, select: str | None) -> None:
        """Choose ``select`` (``Panel.run`` has read the lists again when the call ended)."""
        if select is not None and select in self.infos:
            self.select.value = select

    # ---- members ---------------------------------------------------------------------
    def _selection(self) -> dict | None:
        chosen = self.grid.selection()
        if chosen is None:
            self.error(NOTHING_SELECTED)
            return None
        if "filter" in chosen:  # "select all N matching": every contact if there is no filter, on purpose
            chosen = {**chosen, "all_contacts": True}
        return chosen

    def add_selection(self) -> None:
        self._members(self.app.add_to_list, "Adding the contacts…", "added to", "already members",
                      "Could not add the contacts")

    def remove_selection(self) -> None:
        self._members(self.app.remove_from_list, "Removing the contacts…", "removed from", "not members",
                      "Could not remove the contacts")

    def _members(self, call, label: str, done: str, skipped: str, failure: str) -> None:
        info = self.chosen
        if info is None:
            self.error("Choose a list first.")
            return
        chosen = self._selection()
        if chosen is None:
            return
        name = info.name

        def shown(change) -> None:
            self._after(name)
            text = html("{} {} {} “{}”", num(change.changed, "mcw-list-changed"), plural(change.changed, "contact"),
                        done, change.name)
            if change.matched != change.changed:
                n = change.matched - change.changed
                text += html(" ({:,} of the {:,} selected were {})", n, change.matched, skipped)
            text += html("; it has {} {}.", num(change.members, "mcw-list-result"), plural(change.members, "member"))
            self.ok(text)

        self.run(label, lambda: call(name, **chosen), shown, failure)

    # ---- rename and delete -----------------------------------------------------------
    def rename(self) -> None:
        info = self.chosen
        if info is None:
            self.error("Choose a list first.")
            return
        new = self._typed_name()
        if new is None:
            return
        old = info.name

        def shown(renamed) -> None:
            self._after(renamed.name)
            self.name.value = ""
            self.ok(html("List “{}” is now “{}”.", old, renamed.name))

        self.run("Renaming the list…", lambda: self.app.rename_list(old, new), shown, "Could not rename the list",
                 on_field_error=self._name_failed)

    def ask_delete(self) -> None:
        info = self.chosen
        if info is None:
            self.error("Choose a list first.")
            return
        self.clear_message()
        name = info.name
        self.confirm.ask(f"Delete list “{name}”? Its contacts stay; only the list and its memberships go.",
                         [("Delete", "yes", "danger"), ("Cancel", "no", "")],
                         lambda key: self.delete(name) if key == "yes" else None)

    def delete(self, name: str) -> None:
        def shown(_none) -> None:
            self._after(None)
            self.ok(html("List “{}” deleted.", name))

        self.run("Deleting the list…", lambda: self.app.delete_list(name), shown, "Could not delete the list")


__all__ = ["ListBar"]
