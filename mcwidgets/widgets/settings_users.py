"""The Settings panel's users section and its held spikes: who may set contacts as
marketing (a checkbox per user, with an accessible name), adding a user, and the
workflows and imports held for an admin's approval.

Stable CSS classes: users ``mcw-set-users``, ``mcw-set-user-row`` (cells
``mcw-set-user-name``, ``mcw-set-user-role``), ``mcw-set-permission`` (checkbox, its
accessible name "Edit marketing contacts: <user>"), ``mcw-set-new-user``,
``mcw-set-new-admin``, ``mcw-set-add-user``, ``mcw-set-users-message`` (the section's results and
errors, right under the checkboxes, not in the panel's message line far above); held ``mcw-set-held``,
``mcw-set-held-row``, ``mcw-set-approve``, ``mcw-set-reject``, ``mcw-set-no-held``.
"""

from __future__ import annotations

import ipywidgets as widgets

from .panel_kit import (Markup, button, buttons_row, error_html, html, html_widget, note_html, num, ok_html, plural,
                        readable, replace_children, show, when)

PERMISSION = "Edit marketing contacts"


def permission_label(user: str) -> str:
    """The accessible name of a user's permission checkbox."""
    return f"{PERMISSION}: {user}"


def held_html(h, tz: str) -> Markup:
    return html('<span data-held="{}">#{} — {}; requested by {} on {}</span>', int(h.id), int(h.id), h.what,
                h.requested_by, when(h.created_at, tz))


def approve_result_html(result) -> Markup:
    if result is None:
        return Markup("Approved.")
    if hasattr(result, "held_id"):  # a workflow run
        return html('Approved: workflow <span class="mcw-set-result-name">{}</span> enrolled {} {} and changed {}.',
                    result.workflow, num(result.enrolled, "mcw-set-approved-enrolled"),
                    plural(result.enrolled, "contact"), num(result.changed, "mcw-set-approved-changed"))
    created = getattr(result, "created", 0)
    changed_n = getattr(result, "status_changed", 0)
    return html("Approved: the import created {} {} and changed {}.", num(created, "mcw-set-approved-created"),
                plural(created, "contact"), num(changed_n, "mcw-set-approved-changed"))


class UsersSection:
    """Mixin of :class:`~mcwidgets.widgets.settings_panel.SettingsPanel`: users and
    their permission."""

    def _build_users(self, style_) -> None:
        self.user_boxes: dict[str, widgets.Checkbox] = {}
        self.admin_users: set[str] = set()
        self.users_box = widgets.GridBox([], layout=widgets.Layout(grid_template_columns="160px 90px auto"))
        self.users_box.add_class("mcw-grid")
        self.users_box.add_class("mcw-set-users")
        self.new_user = widgets.Text(placeholder="user name", description="New user", style=style_,
                                     layout=widgets.Layout(width="300px"))
        self.new_user.add_class("mcw-set-new-user")
        self.new_admin = widgets.Checkbox(value=False, description="Admin", indent=False,
                                          layout=widgets.Layout(width="90px"))
        self.new_admin.add_class("mcw-set-new-admin")
        self.add_user_button = button("Add user", "mcw-set-add-user", "primary")
        self.add_user_button.on_click(lambda _b: self.add_user())
        self.add_user_row = buttons_row(self.new_user, self.new_admin, self.add_user_button)
        self.users_message = html_widget("mcw-set-users-message")

    def _run_users(self, label: str, call, done, failure: str) -> None:
        """``Panel.run`` with the outcome shown in ``users_message``, next to the controls."""
        self.users_message.value = ""

        def here(e: BaseException) -> bool:
            self.users_message.value = error_html(f"{failure}: {readable(e, capital=False)}")
            return True

        self.run(label, call, lambda r: setattr(self.users_message, "value", ok_html(done(r))), failure, long=False,
                 on_field_error=here)

    def _render_users(self) -> None:
        cells: list[widgets.Widget] = []
        self.user_boxes = {}
        self.admin_users = set()
        for title in ("User", "Role", PERMISSION):
            head = widgets.HTML(html("<span>{}</span>", title))
            head.add_class("mcw-cell")
            head.add_class("mcw-head")
            cells.append(head)
        for u in self.app.users():
            name = widgets.HTML(html('<span data-user="{0}">{0}</span>', u.name))
            role = widgets.HTML(html('<span data-user="{}" data-value="{}">{}</span>', u.name, u.role,
                                     u.role.capitalize()))
            # The description is the accessible name (and the tooltip); the stylesheet hides its
            # text visually (``.mcw-set-permission label > span``): the column head says it.
            box = widgets.Checkbox(value=bool(u.can_edit_marketing), indent=False,
                                   description=permission_label(u.name),
                                   disabled=not self.admin, layout=widgets.Layout(width="auto"))
            box.add_class("mcw-set-permission")
            if u.role == "admin":
                self.admin_users.add(u.name)
                box.tooltip = "Admins always hold 'Edit marketing contacts'"
            box.observe(lambda c, n=u.name: self.set_permission(n, c["new"]) if not self._loading else None,
                        names="value")
            self.user_boxes[u.name] = box
            for w, cls in ((name, "mcw-set-user-name"), (role, "mcw-set-user-role"), (box, "mcw-set-user-perm")):
                w.add_class("mcw-cell")
                w.add_class("mcw-set-user-row")
                w.add_class(cls)
            cells.extend([name, role, box])
        replace_children(self.users_box, cells)  # the rows shown before are closed (they would pile up)

    def set_permission(self, name: str, allowed: bool) -> None:
        verb = "may" if allowed else "may no longer"
        self._run_users("Saving the permission…", lambda: self.app.set_permission(name, allowed),
                        lambda u: html('<span class="mcw-set-result-name">{}</span> {} set contacts as marketing.',
                                       u.name, verb),
                        f"The permission of {name} could not be changed")

    def add_user(self) -> None:
        name, admin = self.new_user.value, self.new_admin.value

        def done(u):
            self.new_user.value = ""
            self.new_admin.value = False
            return html('User <span class="mcw-set-result-name">{}</span> added ({}).', u.name, u.role)

        self._run_users("Adding the user…", lambda: self.app.add_user(name, admin=admin), done,
                        "The user could not be added")


class HeldSection:
    """Mixin of :class:`~mcwidgets.widgets.settings_panel.SettingsPanel`: held spikes,
    approved or rejected after a confirmation."""

    def _build_held(self) -> None:
        self.held_rows: dict[int, tuple[widgets.Button, widgets.Button]] = {}
        self.last_approval = None
        self.held_box = widgets.VBox([])
        self.held_box.add_class("mcw-set-held")

    def _render_held(self) -> None:
        held = self.app.held()
        tz = self.info.timezone if self.info else "UTC"
        self.held_rows = {}
        rows: list[widgets.Widget] = []
        for h in held:
            approve = button("Approve", "mcw-set-approve", "success",
                             tooltip="Run it now: the contacts are set as marketing")
            reject = button("Reject", "mcw-set-reject", "danger", tooltip="Nothing changes; a held workflow is "
                            "turned off")
            approve.on_click(lambda _b, i=h.id: self.ask_approve(i))
            reject.on_click(lambda _b, i=h.id: self.ask_reject(i))
            for b in (approve, reject):
                show(b, self.admin)
                b.disabled = self.busy
            self.held_rows[h.id] = (approve, reject)
            row = buttons_row(widgets.HTML(held_html(h, tz)), approve, reject)
            row.add_class("mcw-set-held-row")
            rows.append(row)
        if not rows:
            none = html_widget("mcw-set-no-held", note_html("Nothing is waiting for approval."))
            rows.append(none)
        replace_children(self.held_box, rows)

    def _held(self, held_id: int):
        return next((h for h in self.app.held() if h.id == held_id), None)

    def ask_approve(self, held_id: int) -> None:
        h = self._held(held_id)
        what = h.what if h is not None else f"held action #{held_id}"
        self.clear_message()
        self.confirm.ask(f"Approve #{held_id}: {what}? It runs now.",
                         [("Approve", "yes", "success"), ("Cancel", "cancel", "")],
                         lambda key: self.approve(held_id) if key == "yes" else None)

    def approve(self, held_id: int) -> None:
        def done(result):
            self.last_approval = result
            self.ok(approve_result_html(result))

        self.run(f"Approving #{held_id}: setting contacts as marketing…", lambda: self.app.approve_held(held_id),
                 done, f"Held action #{held_id} could not be approved")

    def ask_reject(self, held_id: int) -> None:
        self.clear_message()
        self.confirm.ask(f"Reject held action #{held_id}? Nothing changes; a held workflow is turned off.",
                         [("Reject", "yes", "danger"), ("Cancel", "cancel", "")],
                         lambda key: self.reject(held_id) if key == "yes" else None)

    def reject(self, held_id: int) -> None:
        self.run(f"Rejecting #{held_id}…", lambda: self.app.reject_held(held_id),
                 lambda _r: self.ok(f"Held action #{held_id} rejected: nothing changed."),
                 f"Held action #{held_id} could not be rejected", long=False)


__all__ = ["HeldSection", "PERMISSION", "UsersSection", "approve_result_html", "held_html", "permission_label"]
