"""The Settings panel's edition and tier section (issue 15 item 4: the tier, honestly).

The tier is a Dropdown of the edition's valid tiers (``App.tier_choices``), never a
free number. Choosing one shows at once what saving it would do
(``App.tier_outlook``, the rule in ``domain.tiers.tier_outlook``): a higher tier
applies now; a lower one is a request for the next update date, and when the
projected marketing contacts will not fit it the warning says how many must leave
and that the tier otherwise stays. While the account is being set up a lower tier
that fits applies at once, and the note says so.

Stable CSS classes: ``mcw-set-edition``, ``mcw-set-tier`` (the Dropdown),
``mcw-set-tier-note``, ``mcw-set-tier-outlook`` (``mcw-set-tier-warning`` when it will
not fit; figures ``mcw-set-outlook-projected``, ``mcw-set-outlook-excess``,
``mcw-set-outlook-stays``), ``mcw-set-save-plan``.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..domain.tiers import Edition
from .panel_kit import Markup, button, day, html, num, number, readable

EDITION_OPTIONS = [(e.value.capitalize(), e.value) for e in Edition]


def tier_note_html(info) -> Markup:
    nxt = day(info.next_update_date)
    requested = Markup("")
    if info.requested_tier is not None:
        requested = html(" Requested: {} from {}, if the marketing contacts then fit.",
                         num(info.requested_tier, "mcw-set-requested-tier"), nxt)
    setting_up = (" While the account is being set up (no update date processed yet), a lower tier that fits "
                  "applies at once." if getattr(info, "setting_up", False) else "")
    return html('<div class="mcw-note">Current tier {}. A higher tier applies at once. A lower tier is a request '
                "for the next update date, <b>{}</b>: it applies then if the marketing contacts fit, and never "
                "lowers the tier before.{}{}</div>", num(info.tier, "mcw-set-current-tier"), nxt, requested,
                setting_up)


def tier_outlook_html(o) -> Markup:
    """What saving the chosen tier would do (``domain.tiers.TierOutlook``), before saving."""
    if not o.lower:
        if o.requested == o.current:
            return Markup("")
        return html('<div class="mcw-note mcw-set-tier-outlook">A {} tier applies at once.</div>',
                    number(o.requested))
    if o.applies_now:
        return html('<div class="mcw-note mcw-set-tier-outlook">While the account is being set up, a lower tier '
                    "that fits applies at once: {} marketing contacts fit a {} tier.</div>",
                    num(o.marketing, "mcw-set-outlook-marketing"), number(o.requested))
    if o.fits:
        return html('<div class="mcw-note mcw-set-tier-outlook">At the next update date ({}) {} marketing contacts '
                    "are projected: they fit a {} tier, which then applies. Until then the tier stays {}.</div>",
                    day(o.update_date), num(o.projected, "mcw-set-outlook-projected"), number(o.requested),
                    number(o.current))
    return html('<div class="mcw-warning mcw-set-tier-outlook mcw-set-tier-warning">At the next update date ({}) '
                "{} marketing contacts are projected; a {} tier needs {} fewer. Set contacts as non-marketing "
                "first, or the tier stays {}.</div>", day(o.update_date),
                num(o.projected, "mcw-set-outlook-projected"), number(o.requested),
                num(o.excess, "mcw-set-outlook-excess"), num(o.stays, "mcw-set-outlook-stays"))


def tier_options(choices: list[int]) -> list[tuple[str, int]]:
    return [(number(t), t) for t in choices]


class PlanSection:
    """Mixin of :class:`~mcwidgets.widgets.settings_panel.SettingsPanel`: the edition and
    tier widgets, the outlook shown when a tier is chosen, and ``save_plan``."""

    def _build_plan(self, wide, style_) -> list[widgets.Widget]:
        self.edition = self._input(widgets.Dropdown(options=EDITION_OPTIONS, description="Edition", layout=wide,
                                                    style=style_), "mcw-set-edition")
        self.tier = self._input(widgets.Dropdown(options=[], description="Contact tier", layout=wide,
                                                 style=style_), "mcw-set-tier")
        self.tier_note = widgets.HTML("")
        self.tier_note.add_class("mcw-set-tier-note")
        self.tier_outlook = widgets.HTML("")
        self.tier_outlook.add_class("mcw-set-tier-outlook-box")
        self.outlook = None
        self.save_plan_button = button("Save edition and tier", "mcw-set-save-plan", "primary")
        self.save_plan_button.on_click(lambda _b: self.save_plan())
        self.edition.observe(lambda _c: None if self._loading else self._edition_changed(), names="value")
        self.tier.observe(lambda _c: None if self._loading else self.show_outlook(), names="value")
        return [self.edition, self.tier, self.tier_outlook, self.tier_note]

    def _set_tier_options(self, edition: str, value: int | None) -> None:
        """The edition's tiers to offer, with ``value`` (or the smallest) chosen."""
        choices = self.app.tier_choices(edition)
        if value is not None and value not in choices and value > choices[-1]:
            choices.append(value)
        self.tier.options = tier_options(choices)
        self.tier.value = value if value in choices else choices[0]

    def _refresh_plan(self, info) -> None:
        self.edition.value = info.edition
        self._set_tier_options(info.edition, info.requested_tier if info.requested_tier is not None else info.tier)
        self.tier_note.value = tier_note_html(info)
        self.outlook = None
        self.tier_outlook.value = ""

    def _edition_changed(self) -> None:
        """Another edition: its tiers; the current tier if it exists there, else the
        smallest that holds it (what the service does on saving only the edition)."""
        current = self.info.tier if self.info else None
        self._loading = True
        try:
            choices = self.app.tier_choices(self.edition.value)
            keep = self.tier.value if self.tier.value in choices else next((t for t in choices
                                                                            if current and t >= current), None)
            self._set_tier_options(self.edition.value, keep)
        finally:
            self._loading = False
        self.show_outlook()

    def show_outlook(self) -> None:
        """What saving the chosen tier would do, shown under it before saving."""
        if self.tier.value is None or self.info is None:
            return
        try:
            self.outlook = self.app.tier_outlook(self.tier.value, self.edition.value)
        except Exception as e:  # an edition the account's steps refuse: say so, saving will too
            self.outlook = None
            self.tier_outlook.value = html('<div class="mcw-error mcw-set-tier-outlook">{}</div>', readable(e))
            return
        self.tier_outlook.value = tier_outlook_html(self.outlook)

    def save_plan(self) -> None:
        changes = self._changed(self.initial.get("plan", {}), {"edition": self.edition.value,
                                                                "tier": self.tier.value})
        if not changes:
            self.ok("Nothing to save: the edition and tier are unchanged.")
            return

        def done(info):
            if info.requested_tier is not None:
                text = html("Saved. Tier {} is requested: it applies on {} if the marketing contacts then fit; "
                            "until then the tier stays {}.", num(info.requested_tier, "mcw-set-saved-requested"),
                            day(info.next_update_date), number(info.tier))
            else:
                text = html("Saved. Edition {}, tier {}.", info.edition.capitalize(),
                            num(info.tier, "mcw-set-saved-tier"))
            self.ok(text)

        self.run("Saving the edition and tier…", lambda: self.app.configure_account(**changes), done,
                 "The edition and tier could not be saved", long=False)


__all__ = ["EDITION_OPTIONS", "PlanSection", "tier_note_html", "tier_options", "tier_outlook_html"]
