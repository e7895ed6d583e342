"""The one place that wires mcwidgets together.

``App`` opens a store, fixes the clock and the acting user, and exposes the
service layer as a small Python API. The CLI, the notebooks and the widgets all
go through it; none of them talks to the database.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from .domain.actors import Actor, ActorKind
from .domain.errors import NotFound, ValidationError
from .domain.selection import Selection
from .services import account, contacts, forecast, history, rollover, status, undo, usage, users, workflows
from .services.context import Context

ENV_USER = "MCWIDGETS_USER"


# The clock must stay in a range the calendar arithmetic (update dates, time zones,
# catch-up rollover) handles quickly; anything else is a typo.
MIN_NOW = datetime(1970, 1, 1, tzinfo=timezone.utc)
MAX_NOW = datetime(2201, 1, 1, tzinfo=timezone.utc)  # exclusive: the last year is 2200


def parse_now(value: str | datetime | date | None) -> datetime | None:
    """``--now``: an ISO-8601 instant (naive means UTC) or a date (its midnight UTC),
    in the years 1970 to 2200."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(f"bad date/time {text!r} (use ISO 8601, e.g. 2026-11-26T09:00:00+01:00)")
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    try:
        in_range = MIN_NOW <= parsed < MAX_NOW  # an offset near year 1 or 9999 can overflow here
    except OverflowError:
        in_range = False
    if not in_range:
        raise ValidationError(f"date/time {str(value).strip()!r} is out of range "
                              "(the clock must be in the years 1970 to 2200)")
    return parsed


class App:
    def __init__(self, ctx: Context, user: str | None = None):
        self.ctx = ctx
        self.user = user
        self._listeners: list = []

    def on_change(self, callback) -> None:
        """Call ``callback()`` after every action that may change counts (widgets refresh)."""
        self._listeners.append(callback)

    def changed(self) -> None:
        for callback in list(self._listeners):
            callback()

    def _notify(self, result):
        self.changed()
        return result

    @classmethod
    def open(cls, db_url: str | None = None, *, now=None, clock=None, user: str | None = None,
             create: bool = True) -> "App":
        """Open a store (the bootstrap: migrate, create the account) at ``now`` (fixed)
        or on ``clock`` (a callable returning an aware datetime); the wall clock else.
        ``create=False``: refuse a SQLite path with no database there (the CLI's
        commands that are not meant to create one)."""
        return cls(Context.open(db_url, now=parse_now(now), clock=clock, create=create),
                   user or os.environ.get(ENV_USER) or None)

    def as_user(self, name: str) -> "App":
        """The same store, acting as another user."""
        app = App(self.ctx, name)
        app._listeners = self._listeners  # one dashboard, one set of views to refresh
        return app

    @property
    def actor(self) -> Actor:
        if not self.user:
            raise ValidationError("no acting user: pass --as USER (or set MCWIDGETS_USER)")
        return Actor(ActorKind.USER, self.user)

    @property
    def actor_or_none(self) -> Actor | None:
        return Actor(ActorKind.USER, self.user) if self.user else None

    def close(self) -> None:
        self.ctx.dispose()

    # figures
    def status(self) -> usage.StatusReport:
        return usage.status(self.ctx)

    def account(self) -> account.AccountInfo:
        return account.get_info(self.ctx)

    def usage_history(self, days: int = 365) -> list[usage.SnapshotRow]:
        return usage.history(self.ctx, days)

    # status changes
    def set_marketing(self, ids=None, *, filter=None, list=None, exclude=(), all_contacts=False) -> status.ActionResult:
        return self._notify(status.set_marketing(self.ctx, self.actor, selection(ids, filter, list, exclude, all_contacts)))

    def set_non_marketing(self, ids=None, *, filter=None, list=None, exclude=(), all_contacts=False) -> status.ActionResult:
        return self._notify(status.set_non_marketing(self.ctx, self.actor, selection(ids, filter, list, exclude, all_contacts)))

    def rollover(self) -> rollover.RolloverResult:
        return self._notify(rollover.rollover(self.ctx))

    def create_contact(self, email: str, *, source: str = "manual", status: str | None = None, **fields) -> int:
        cid, _ = contacts.create_contact(self.ctx, self.actor, contacts.NewContact(email=email, **fields),
                                         source=source, status=status)
        self.changed()
        return cid

    def contact(self, contact_id: int) -> dict:
        return contacts.get_contact(self.ctx, contact_id)

    # grid pages, CSV import and export
    def page(self, selection_or_filter=None, *, sort: str | None = None, descending: bool = False,
             size: int = 50, cursor: str | None = None, position="first", total: int | None = None,
             count: bool = True):
        from .services import paging

        return paging.page(self.ctx, selection_or_filter=selection_or_filter, sort=sort, descending=descending,
                           size=size, cursor=cursor, position=position, total=total, count=count)

    def import_csv(self, path_or_file, *, as_marketing: bool = False, strict: bool = False,
                   mapping: dict | None = None, errors_path=None, progress=None, dry_run: bool = False):
        from .services import importer

        result = importer.import_csv(self.ctx, self.actor, path_or_file, as_marketing=as_marketing,
                                     strict=strict, mapping=mapping, errors_path=errors_path, progress=progress,
                                     dry_run=dry_run)
        return self._notify(result) if result.applied else result

    def import_upload(self, upload, *, mapping: dict | None = None, as_marketing: bool = False,
                      strict: bool = False, dry_run: bool = False, progress=None):
        """``import_csv`` of a file uploaded in the dashboard (``services.import_upload``):
        the error report comes back as text (``error_csv_text``)."""
        from .services import import_upload

        result = import_upload.import_upload(self.ctx, self.actor, upload, mapping=mapping,
                                             as_marketing=as_marketing, strict=strict, dry_run=dry_run,
                                             progress=progress)
        return self._notify(result) if (result.applied or result.held_action_id) else result

    def import_access(self):
        """Whether the acting user may import, and may set contacts as marketing, and why not."""
        from .services import import_upload

        return import_upload.import_access(self.ctx, self.actor_or_none)

    def export_csv(self, out_path_or_file, selection: Selection | dict | None = None, *, progress=None,
                   columns=(), sort: str | None = None, descending: bool = False) -> int:
        from .services import exporter

        return exporter.export_csv(self.ctx, out_path_or_file, selection, progress=progress, columns=columns,
                                   sort=sort, descending=descending)

    def forecast(self, transition: str, ids=None, *, filter=None, list=None, exclude=(), all_contacts=False):
        """What set_marketing / set_non_marketing would do, without doing it."""
        return forecast.forecast_action(self.ctx, transition, selection(ids, filter, list, exclude, all_contacts))

    def undo(self, action_id: int) -> status.ActionResult:
        return self._notify(undo.undo(self.ctx, self.actor, action_id))

    def run_wizard(self, filter) -> status.ActionResult:
        """The Manage marketing contacts wizard's update: ``filter`` (its whole selection)
        set as non-marketing in one action of kind "wizard" (admins only; undoable)."""
        from .services import wizard

        return self._notify(wizard.run_wizard(self.ctx, self.actor, filter))

    def now(self) -> datetime:
        """The app's clock, aware UTC: relative dates ("in the last 30 days") count from it."""
        return self.ctx.now_aware()

    def count(self, filter=None, list=None) -> int:
        """Contacts matching ``filter`` (the filter JSON) or in list ``list``; all if neither."""
        from .services import counting

        return counting.count(self.ctx, selection(list_name=list) if list is not None else filter)

    def known_values(self, prop: str) -> list[str]:
        """The values present for a text property the filter offers as choices (country)."""
        from .services import values

        return values.known_values(self.ctx, prop)

    def lists(self):
        """Every list (static and active), by name, with its member count."""
        from .services import lists as list_service

        return list_service.list_lists(self.ctx)

    def list_names(self) -> list[str]:
        """The names of every list, sorted, without counting members (fast)."""
        from .services import lists as list_service

        return list_service.all_list_names(self.ctx)

    def count_described(self, filter=None, list=None, *, ids=None, exclude=()):
        """The count and the sentence saying what was counted (exact dates for relative ones)."""
        from .services import counting

        chosen = (filter, list, ids) != (None, None, None)
        what = selection(ids, filter, list, exclude) if chosen else {"filterGroups": []}
        return counting.count_described(self.ctx, what)

    def list_info(self, name: str):
        from .services import lists as list_service

        return list_service.get_list(self.ctx, name)

    def create_list(self, name: str, filter=None):
        """A static list, or an active one (members: ``filter``, computed live)."""
        from .services import lists as list_service

        return self._notify(list_service.create_list(self.ctx, self.actor, name, filter))

    def add_to_list(self, name: str, ids=None, *, filter=None, list=None, exclude=(), all_contacts=False):
        from .services import lists as list_service

        return self._notify(list_service.add_members(self.ctx, self.actor, name,
                                                     selection(ids, filter, list, exclude, all_contacts)))

    def remove_from_list(self, name: str, ids=None, *, filter=None, list=None, exclude=(), all_contacts=False):
        from .services import lists as list_service

        return self._notify(list_service.remove_members(self.ctx, self.actor, name,
                                                        selection(ids, filter, list, exclude, all_contacts)))

    def rename_list(self, old: str, new: str):
        from .services import lists as list_service

        return self._notify(list_service.rename_list(self.ctx, self.actor, old, new))

    def delete_list(self, name: str) -> None:
        from .services import lists as list_service

        list_service.delete_list(self.ctx, self.actor, name)
        self.changed()

    # saved views
    def views(self):
        from .services import views

        return views.list_views(self.ctx)

    def view(self, name: str):
        from .services import views

        return views.get_view(self.ctx, name)

    def save_view(self, name: str, filter, *, sort=None, columns=None):
        """Create the view, or replace the one of that name."""
        from .services import views

        return views.save_view(self.ctx, self.actor, name, filter, sort=sort, columns=columns)

    def rename_view(self, old: str, new: str):
        from .services import views

        return views.rename_view(self.ctx, self.actor, old, new)

    def delete_view(self, name: str) -> None:
        from .services import views

        views.delete_view(self.ctx, self.actor, name)

    def history(self, contact_id: int) -> list[history.HistoryEntry]:
        return history.contact_history(self.ctx, contact_id)

    def actions(self, limit: int = 50, before_id: int | None = None) -> list[history.ActionRow]:
        return history.list_actions(self.ctx, limit, before_id)

    # workflows and the spike guard
    def create_workflow(self, name: str, trigger, action: str, *, reenroll: bool = False):
        return workflows.create(self.ctx, self.actor, name, trigger, action, reenroll=reenroll)

    def workflows(self):
        return workflows.list_workflows(self.ctx)

    def workflow(self, name: str):
        return workflows.get(self.ctx, name)

    def turn_on_workflow(self, name: str, *, enroll_existing: bool):
        return self._notify(workflows.turn_on(self.ctx, self.actor, name, enroll_existing=enroll_existing))

    def update_workflow(self, name: str, *, new_name: str | None = None, trigger=None,
                        action: str | None = None, reenroll: bool | None = None):
        """Edit a workflow that is off (name, triggers, action, re-enrollment)."""
        return workflows.update_workflow(self.ctx, self.actor, name, new_name=new_name, trigger=trigger,
                                action=action, reenroll=reenroll)

    def turn_off_workflow(self, name: str):
        return workflows.turn_off(self.ctx, self.actor, name)

    def delete_workflow(self, name: str) -> None:
        workflows.delete(self.ctx, self.actor, name)

    def workflow_dry_run(self, name: str):
        return workflows.dry_run(self.ctx, name)

    def run_workflows(self, name: str | None = None):
        return self._notify(workflows.run(self.ctx, name))

    def held(self):
        return workflows.list_held(self.ctx)

    def approve_held(self, held_id: int):
        return self._notify(workflows.approve(self.ctx, self.actor, held_id))

    def reject_held(self, held_id: int) -> None:
        workflows.reject(self.ctx, self.actor, held_id)

    # account and users
    def configure_account(self, **changes) -> account.AccountInfo:
        return self._notify(account.configure(self.ctx, self.actor_or_system, **changes))

    def tier_outlook(self, tier: int, edition: str | None = None):
        """What saving ``tier`` would do, before saving (``domain.tiers.TierOutlook``)."""
        return account.tier_outlook(self.ctx, tier, edition)

    def tier_choices(self, edition: str | None = None) -> list[int]:
        return account.tier_choices(self.ctx, edition)

    def savings_plan(self, projected: int | None = None, report: usage.StatusReport | None = None):
        """The savings planner: next lower tier, contacts to remove, saving (``domain.savings.SavingsPlan``).
        ``report``: a status just read, whose counts are used instead of counting again."""
        from .services import savings

        return savings.plan(self.ctx, projected, report)

    def least_engaged(self, wanted: int):
        """The ``wanted`` least-engaged marketing contacts as a filter, for review (``services.savings``)."""
        from .services import savings

        return savings.least_engaged(self.ctx, wanted)

    def engagement(self):
        """The account's engagement properties (``domain.engagement.Engagement``)."""
        from .services import engagement

        return engagement.engagement(self.ctx)

    def not_opened(self, months: int):
        """The wizard's "not opened in the last ``months`` months" groups and count; None
        without engagement properties (``services.engagement``)."""
        from .services import engagement

        return engagement.not_opened(self.ctx, months)

    def tier_events(self, *, unacknowledged: bool = False):
        """Tier raises, newest first (``services.tier_events.TierEventRow``)."""
        from .services import tier_events

        return tier_events.list_events(self.ctx, unacknowledged=unacknowledged)

    def acknowledge_tier_events(self, event_ids: list[int] | None = None) -> int:
        """Admins: stop showing tier raises on the Overview (all open ones, or those given)."""
        from .services import tier_events

        return self._notify(tier_events.acknowledge(self.ctx, self.actor, event_ids))

    def me(self) -> users.UserRow | None:
        """The acting user's row (role, permission), None if no user or an unknown one.
        Views use it to mirror what the services will allow; the services check again."""
        if not self.user:
            return None
        try:
            return users.get_user(self.ctx, self.user)
        except NotFound:
            return None

    def users(self) -> list[users.UserRow]:
        return users.list_users(self.ctx)

    def add_user(self, name: str, *, admin: bool = False) -> users.UserRow:
        return users.add_user(self.ctx, self.actor_or_system, name, admin=admin)

    def set_permission(self, name: str, allowed: bool) -> users.UserRow:
        return users.set_permission(self.ctx, self.actor_or_system, name, allowed)

    def default_statuses(self) -> dict[str, str]:
        return contacts.get_default_statuses(self.ctx)

    def set_default_status(self, source: str, status: str) -> dict[str, str]:
        return contacts.set_default_status(self.ctx, self.actor_or_system, source, status)

    # --- custom properties (services.properties) ------------------------------------

    def schema(self):
        """The account's contact schema (``domain.schema.Schema``): built-ins + custom properties."""
        from .services import properties

        return properties.schema_of(self.ctx)

    def properties(self):
        from .services import properties

        return properties.list_properties(self.ctx)

    def create_property(self, name: str, label: str, type: str, options=()):
        from .services import properties

        return self._notify(properties.create_property(self.ctx, self.actor_or_system, name, label, type, options))

    def rename_property(self, name: str, new_name: str | None = None, *, label: str | None = None):
        from .services import properties

        return self._notify(properties.rename_property(self.ctx, self.actor_or_system, name, new_name, label))

    def delete_property(self, name: str) -> int:
        from .services import properties

        return self._notify(properties.delete_property(self.ctx, self.actor_or_system, name))

    def set_property_values(self, contact_id: int, values: dict) -> dict:
        from .services import properties

        return self._notify(properties.set_values(self.ctx, self.actor, contact_id, values))

    def demo(self, contacts: int = 10_000, seed: int = 42, progress=None, *, replace_all_data: bool = False):
        """Fill an empty or demo-only store with demo data; a store holding anything else
        is refused unless an admin passes ``replace_all_data=True``."""
        from .services import demo

        return self._notify(demo.build_demo(self.ctx, contacts=contacts, seed=seed, progress=progress,
                                            actor=self.actor_or_system, replace_all_data=replace_all_data))

    @property
    def actor_or_system(self) -> Actor:
        """Admin commands run from a shell without --as act as the local operator,
        who has the database in hand anyway; with --as the user's role is checked."""
        return self.actor_or_none or Actor(ActorKind.SYSTEM, "cli")


def selection(ids=None, filter=None, list_name=None, exclude=(), all_contacts=False) -> Selection:
    """``all_contacts=True``: every contact, said explicitly (an empty filter alone is refused by actions)."""
    return Selection(ids=tuple(ids) if ids is not None else None, filter=filter, list_name=list_name,
                     exclude_ids=tuple(exclude or ()), all_contacts=bool(all_contacts))
