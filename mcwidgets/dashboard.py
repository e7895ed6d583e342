"""The dashboard: a header and one tab per panel, over one :class:`App`.

Adding a panel is one line in ``TABS``: a title and a factory ``App -> Widget``.
Tabs are built the first time they are shown (the Overview at once); a panel may
define ``on_show()``, which is called every time its tab is selected (the charts
use it to resize to their now visible container).

``dashboard_from_env()`` is what the Voila notebook runs.
"""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from typing import Callable

import ipywidgets as widgets

from .app import ENV_USER, App
from .widgets.background import in_background
from .widgets.contacts_panel import ContactsPanel
from .widgets.import_panel import ImportPanel
from .widgets.overview import OverviewPanel
from .widgets.activity_panel import ActivityPanel
from .widgets.settings_panel import SettingsPanel
from .widgets.workflows_panel import WorkflowsPanel
from .widgets.wizard import MarketingContactsWizard
from .widgets.panel_kit import day, error_html, first_line, html, log_failure, style

ENV_DATABASE_URL = "MCWIDGETS_DATABASE_URL"
ENV_NOW = "MCWIDGETS_NOW"
ENV_VOILA_PREHEAT = "VOILA_PREHEAT"  # "True" in a kernel of Voila's preheated pool

TabFactory = Callable[[App], widgets.Widget]


def placeholder(text: str) -> TabFactory:
    """A factory for a tab whose panel is still to come."""
    def build(app: App) -> widgets.Widget:
        w = widgets.HTML(html('<div class="mcw-placeholder">{}</div>', text))
        w.add_class("mcw-placeholder-panel")
        return w
    return build


# The registry: (tab title, factory). Replace a placeholder with the real panel class.
TABS: list[tuple[str, TabFactory]] = [
    ("Overview", partial(OverviewPanel, background=in_background)),  # refreshes off the kernel's loop
    ("Contacts", ContactsPanel),
    ("Import", ImportPanel),
    ("Manage marketing contacts", MarketingContactsWizard),
    ("Workflows", WorkflowsPanel),
    ("Activity", ActivityPanel),
    ("Settings", SettingsPanel),
]


class Dashboard(widgets.VBox):
    """Header + ``ipywidgets.Tab``; ``panels`` maps a built tab's title to its widget."""

    def __init__(self, app: App, tabs: list[tuple[str, TabFactory]] | None = None):
        self.app = app
        self.tab_specs = list(TABS if tabs is None else tabs)
        self.panels: dict[str, widgets.Widget] = {}
        self.header = widgets.HTML(self._header_html())
        self.header.add_class("mcw-header-widget")
        self._slots = [widgets.VBox() for _ in self.tab_specs]
        for (title, _), slot in zip(self.tab_specs, self._slots):
            slot.add_class("mcw-tab-slot")
            slot.add_class("mcw-tab-" + "-".join(title.lower().split()))
        self.tabs = widgets.Tab(children=self._slots, titles=[t for t, _ in self.tab_specs])
        self.tabs.add_class("mcw-tabs")
        super().__init__([style(), self.header, self.tabs])
        self.add_class("mcw-root")
        self.add_class("mcw-dashboard")
        self.tabs.observe(self._on_select, names="selected_index")
        app.on_change(self._refresh_header)
        if self.tab_specs:
            self.tabs.selected_index = 0
            self._ensure_built(0)

    def _header_html(self) -> str:
        info = self.app.account()
        user = self.app.user
        role = next((u.role for u in self.app.users() if u.name == user), None) if user else None
        who = (html('Signed in as <strong class="mcw-user">{}</strong><span class="mcw-role">{}</span>', user,
                    role or "unknown user") if user
               else html('<span class="mcw-user mcw-no-user">No user: read-only</span>'))
        return html('<div class="mcw-header"><div><span class="mcw-account-name">{}</span>'
                    '<span class="mcw-subtitle">Marketing contacts · {}</span></div>'
                    '<div class="mcw-who">{}</div></div>', info.name, day(info.today), who)

    def _refresh_header(self) -> None:
        try:
            self.header.value = self._header_html()
        except Exception as e:  # the header is cosmetic; never break an action over it
            log_failure("dashboard header refresh failed", e)

    def _ensure_built(self, index: int) -> widgets.Widget:
        title, factory = self.tab_specs[index]
        if title not in self.panels:
            try:
                panel = factory(self.app)
            except Exception as e:
                log_failure(f"building the {title} tab failed", e)
                panel = widgets.HTML(error_html(f"The {title} tab could not be built: {first_line(e)}"))
            self.panels[title] = panel
            self._slots[index].children = [panel]
            self._wire_savings(panel)
        return self.panels[title]

    def _wire_savings(self, panel) -> None:
        """A panel's savings planner (``panel.savings``) opens its selection in the Contacts tab."""
        planner = getattr(panel, "savings", None)
        if planner is not None and hasattr(planner, "on_open") and "Contacts" in [t for t, _ in self.tab_specs]:
            planner.on_open = self.open_in_contacts

    def open_in_contacts(self, filter: dict, count: int) -> None:
        """Show ``filter``'s contacts in the Contacts tab, all selected, for review."""
        from .widgets.savings_panel import review_note

        self.select("Contacts").show_selection(filter, review_note(count))

    def _on_select(self, change) -> None:
        index = change["new"]
        if index is None or not 0 <= index < len(self.tab_specs):
            return
        panel = self._ensure_built(index)
        on_show = getattr(panel, "on_show", None)
        if callable(on_show):
            on_show()

    def refresh(self) -> None:
        """Re-read everything shown: the header and every tab built so far (``status()``
        applies due rollovers first). Used when a preheated kernel's page is opened."""
        try:
            self.app.status()
        except Exception as e:
            log_failure("dashboard refresh failed", e)
        self._refresh_header()
        for panel in self.panels.values():
            safe_refresh = getattr(panel, "safe_refresh", None)
            if callable(safe_refresh):
                safe_refresh()

    def select(self, title: str) -> widgets.Widget:
        """Select a tab by its title (builds it if needed) and return its panel."""
        index = [t for t, _ in self.tab_specs].index(title)
        self.tabs.selected_index = index
        return self._ensure_built(index)


def build_dashboard(app: App, tabs: list[tuple[str, TabFactory]] | None = None) -> Dashboard:
    return Dashboard(app, tabs)


def wait_for_page() -> None:
    """In a preheated Voila kernel: block until a page takes this kernel (Voila then
    sends the page's request over its ``voila/query`` websocket)."""
    from voila.utils import wait_for_request

    wait_for_request()


def dashboard_from_env(environ=None, wait=wait_for_page) -> widgets.Widget:
    """The dashboard of the store named by ``MCWIDGETS_DATABASE_URL``, acting as
    ``MCWIDGETS_USER``, at ``MCWIDGETS_NOW`` if set (else the real clock).

    Due rollovers are applied first (``status()`` does). Errors become a message on
    the page, never a traceback.

    In a preheated kernel (``VOILA_PREHEAT=True``, ``mcwidgets serve --preheat``) the
    dashboard is built at once, then ``wait()`` blocks until a page takes the kernel,
    and the dashboard re-reads its figures before it is shown: never stale.
    """
    env = os.environ if environ is None else environ
    try:
        app = App.open(env.get(ENV_DATABASE_URL) or None, now=env.get(ENV_NOW) or None,
                       user=env.get(ENV_USER) or None, create=False)  # serve made it
        app.status()
        dashboard = build_dashboard(app)
    except Exception as e:
        log_failure("the dashboard could not be opened", e)
        return widgets.HTML(error_html(f"The dashboard could not be opened: {first_line(e)}"))
    if env.get(ENV_VOILA_PREHEAT) == "True":
        # on the server's log (the kernel's own stderr): when a page would find it ready
        print(f"mcwidgets: preheated dashboard ready in kernel {env.get('VOILA_KERNEL_ID', '?')}, "
              "waiting for a page", file=sys.__stderr__, flush=True)
        try:
            wait()
        except Exception as e:  # no request info: still show the dashboard, refreshed
            log_failure("waiting for the page failed", e)
        started = time.perf_counter()
        dashboard.refresh()
        print(f"mcwidgets: preheated dashboard refreshed for its page in {time.perf_counter() - started:.2f} s",
              file=sys.__stderr__, flush=True)
    return dashboard
