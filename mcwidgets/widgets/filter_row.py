"""FilterRow: one condition of a FilterBuilder (property, operator, value inputs, remove).

The row reads the builder only through ``list_names()`` and tells it about changes
through ``_rows_changed()`` / ``_remove_row(row)``; ``filter_builder`` re-exports it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import ipywidgets as widgets

from . import filter_model as fm
from .panel_kit import html, replace_children

if TYPE_CHECKING:
    from .filter_builder import FilterBuilder


def _cls(widget: widgets.Widget, *names: str) -> widgets.Widget:
    for name in names:
        widget.add_class(name)
    return widget


def _loading_text(prop: str) -> str:
    return "Loading countries…" if prop == "country" else "Loading the values…"


class FilterRow(widgets.HBox):
    """One condition: property dropdown, operator dropdown, value input(s), remove button."""

    def __init__(self, builder: "FilterBuilder", condition: dict | None = None):
        self.builder = builder
        # The filter model bound to the account's schema (its custom properties), from the builder.
        self.fm = getattr(builder, "fm", None) or fm.Model()
        condition = condition or {"propertyName": self.fm.DEFAULT_PROPERTY, "operator": self.fm.DEFAULT_OPERATOR}
        prop, op = condition["propertyName"], condition["operator"]
        values = (self.fm.condition_values(condition) if self.fm.value_kind(prop, op) == self.fm.NONE
                  or any(k in condition for k in ("value", "values"))
                  else self.fm.default_values(prop, self.fm.value_kind(prop, op), self._names_for(prop, op)))
        self._quiet = False
        # descriptions are the inputs' accessible names (<label for>); the stylesheet
        # hides them visually (``.mcw-fb-row .widget-label``)
        self.property = _cls(widgets.Dropdown(options=self.fm.property_options(), value=prop, description="Property",
                                              layout=widgets.Layout(width="210px")), "mcw-fb-property")
        self.operator = _cls(widgets.Dropdown(options=self.fm.operator_options(prop), value=op, description="Operator",
                                              layout=widgets.Layout(width="190px")), "mcw-fb-operator")
        self.value_box = _cls(widgets.HBox(layout=widgets.Layout(align_items="center")), "mcw-fb-value-box")
        # no text: named by its tooltip (title); the stylesheet draws an x that is not read out
        self.remove_button = _cls(widgets.Button(description="", tooltip="Remove this condition",
                                                 layout=widgets.Layout(width="32px")), "mcw-fb-remove-row")
        self.inputs: list[widgets.Widget] = []
        self.kind = ""
        self.choices = False  # the value input chooses among known values (fm.offers_choices)
        self._build_inputs(prop, self.fm.value_kind(prop, op), values, op)
        super().__init__([self.property, self.operator, self.value_box, self.remove_button])
        self.add_class("mcw-fb-row")
        self.property.observe(self._on_property, names="value")
        self.operator.observe(self._on_operator, names="value")
        self.remove_button.on_click(lambda _b: builder._remove_row(self))

    # ---- reading -----------------------------------------------------------------
    @property
    def values(self) -> tuple:
        kind = self.kind
        if kind == self.fm.NONE:
            return ()
        if kind == self.fm.TEXT_MANY:
            return (list(self.inputs[0].value),)
        if kind == self.fm.ENUM_MANY:
            return (tuple(self.inputs[0].value),)
        if kind in (self.fm.NUMBER_RANGE, self.fm.DATE_RANGE):
            return (self.inputs[0].value, self.inputs[1].value)
        return (self.inputs[0].value,)

    @property
    def spec(self) -> tuple[str, str, tuple]:
        """(property, operator, values) - what ``filter_model`` works on."""
        return self.property.value, self.operator.value, self.values

    @property
    def condition(self) -> dict:
        return self.fm.condition_json(*self.spec)

    @property
    def value_widget(self) -> widgets.Widget | None:
        """The (first) value input, None for "is known" / "is unknown"."""
        return self.inputs[0] if self.inputs else None

    # ---- inputs ------------------------------------------------------------------
    def _build_inputs(self, prop: str, kind: str, values: tuple, op: str | None = None) -> None:
        self.kind = kind
        op = op or self.operator.value
        offers = self.fm.offers_choices(prop, op)
        known = self.builder.known_values(prop) if offers else []
        loading = offers and not known and self.builder.values_loading(prop)
        self.choices = bool(known)
        self.inputs = (self._choice_inputs(kind, values, known) if known else self._make_inputs(prop, kind, values))
        self._sync_text_mode(prop, op)
        for w, name in zip(self.inputs, self._input_names(kind)):
            w.description = name  # the accessible name, visually hidden like the dropdowns'
            _cls(w, "mcw-fb-value", f"mcw-fb-value-{kind}")
            w.observe(self._on_value, names="value")
        children: list[widgets.Widget] = list(self.inputs)
        if kind in (self.fm.NUMBER_RANGE, self.fm.DATE_RANGE):
            children.insert(1, _cls(widgets.HTML("and"), "mcw-fb-and"))
        if kind == self.fm.DAYS:
            children.append(_cls(widgets.HTML("days"), "mcw-fb-and"))
        if loading:  # free text meanwhile; the choices replace it when they are in
            children.append(_cls(widgets.HTML(html('<span class="mcw-note" role="status">{}</span>',
                                                   _loading_text(prop))), "mcw-fb-loading"))
        replace_children(self.value_box, children)  # inputs no longer shown are closed

    @staticmethod
    def _choice_inputs(kind: str, values: tuple, known: list[str]) -> list[widgets.Widget]:
        """Country "is": a box that only takes a known value (typing "Belg" applies nothing,
        "Belgium" applies at once); "is any of": tags among the known values."""
        if kind == fm.TEXT_MANY:
            chosen = list(values[0])
            return [widgets.TagsInput(value=chosen, allowed_tags=sorted(set(known) | set(chosen)),
                                      allow_duplicates=False, layout=widgets.Layout(width="320px"))]
        current = values[0] or ""
        options = known if not current or current in known else [*known, current]  # a loaded filter's value
        return [widgets.Combobox(value=current, options=options, ensure_option=True, continuous_update=True,
                                 placeholder="choose or type a value", layout=widgets.Layout(width="220px"))]

    def _sync_text_mode(self, prop: str, op: str) -> None:
        """A free-text "is" box applies its value on Enter or when it loses focus; a
        "contains" box as the user types."""
        if self.kind == self.fm.TEXT_ONE and not self.choices and self.inputs:
            box = self.inputs[0]
            exact = self.fm.exact_text(prop, op)
            box.continuous_update = not exact
            box.placeholder = "value, then Enter" if exact else "value"

    @staticmethod
    def _input_names(kind: str) -> tuple[str, ...]:
        if kind in (fm.NUMBER_RANGE, fm.DATE_RANGE):
            return ("From", "To")
        return ("Days",) if kind == fm.DAYS else ("Value",)

    def _make_inputs(self, prop: str, kind: str, values: tuple) -> list[widgets.Widget]:
        if kind == self.fm.NONE:
            return []
        if kind == self.fm.TEXT_ONE:
            return [widgets.Text(value=values[0] or "", placeholder="value", continuous_update=True,
                                 layout=widgets.Layout(width="220px"))]
        if kind == self.fm.TEXT_MANY:
            return [widgets.TagsInput(value=list(values[0]), allow_duplicates=False,
                                      layout=widgets.Layout(width="320px"))]
        if kind in (self.fm.NUMBER_ONE, self.fm.NUMBER_RANGE):  # a layout of their own each (a widget, closed with them)
            return [self._number(prop, v, widgets.Layout(width="150px")) for v in values]
        if kind in (self.fm.DATE_ONE, self.fm.DATE_RANGE):
            return [widgets.DatePicker(value=v, layout=widgets.Layout(width="150px")) for v in values]
        if kind == self.fm.DAYS:
            return [widgets.IntText(value=values[0], layout=widgets.Layout(width="90px"))]
        if kind == self.fm.BOOL_ONE:
            return [widgets.Dropdown(options=self.fm.BOOL_OPTIONS, value=bool(values[0]),
                                     layout=widgets.Layout(width="100px"))]
        if kind == self.fm.ENUM_ONE:
            return [widgets.Dropdown(options=self.fm.enum_options(prop), value=values[0],
                                     layout=widgets.Layout(width="220px"))]
        if kind == self.fm.ENUM_MANY:
            options = self.fm.enum_options(prop)
            return [widgets.SelectMultiple(options=options, value=tuple(values[0]),
                                           rows=min(len(options), 5), layout=widgets.Layout(width="240px"))]
        if kind == self.fm.LIST_ONE:
            names = list(self.builder.list_names())
            if values[0] and values[0] not in names:
                names.append(values[0])  # a list loaded from a filter, deleted since: keep it visible
            return [widgets.Dropdown(options=names, value=values[0] if values[0] in names else None,
                                     layout=widgets.Layout(width="240px"))]
        raise ValueError(kind)

    def known_values_in(self, prop: str) -> None:
        """The builder read the values of ``prop``: a row that waited for them (free text
        meanwhile) offers them now, keeping what was typed."""
        op = self.operator.value
        if self.property.value != prop or self.choices or not self.fm.offers_choices(prop, op):
            return
        with self._silenced():
            self._build_inputs(prop, self.kind, self.values, op)
        self.builder._rows_changed()

    def set_list_names(self, names) -> None:
        """A list row: offer ``names`` (keeping the list chosen, even one gone since; a
        row that had no list to choose gets the first one)."""
        box = self.inputs[0]
        value = box.value
        options = list(names)
        if value and value not in options:
            options.append(value)
        with self._silenced():
            box.options = options
            box.value = value if value in options else None
        if value is None and options:
            box.value = options[0]  # the row's filter becomes complete: the builder hears of it

    @staticmethod
    def _number(prop: str, value, layout) -> widgets.Widget:
        if prop in fm.INTEGER_PROPERTIES and (value is None or float(value).is_integer()):
            return widgets.IntText(value=int(value or 0), layout=layout)
        return widgets.FloatText(value=float(value or 0), layout=layout)

    def _names_for(self, prop: str, op: str) -> list[str]:
        """The list names, read only for a list row (reading them counts members)."""
        return self.builder.list_names() if self.fm.value_kind(prop, op) == self.fm.LIST_ONE else []

    @contextmanager
    def _silenced(self):
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    # ---- events ------------------------------------------------------------------
    def _on_property(self, change) -> None:
        prop = change["new"]
        options = self.fm.operator_options(prop)
        keep = self.operator.value if self.operator.value in [o for _, o in options] else options[0][1]
        with self._silenced():
            self.operator.options = options
            self.operator.value = keep
        kind = self.fm.value_kind(prop, keep)
        if (kind == self.kind and kind in (self.fm.NONE, self.fm.TEXT_ONE, self.fm.TEXT_MANY) and not self.choices
                and not self.fm.offers_choices(prop, keep)):
            # A text box is the same for every text property: keep it (emptied), so that what
            # the user types right after choosing the property is not lost with a replaced box.
            with self._silenced():
                for w in self.inputs:
                    w.value = [] if kind == self.fm.TEXT_MANY else ""
            self._sync_text_mode(prop, keep)
        else:
            self._build_inputs(prop, kind, self.fm.default_values(prop, kind, self._names_for(prop, keep)), keep)
        self.builder._rows_changed()

    def _on_operator(self, change) -> None:
        if self._quiet or change["new"] is None:
            return
        prop, op = self.property.value, change["new"]
        new_kind = self.fm.value_kind(prop, op)
        if new_kind != self.kind or self.choices != self.fm.offers_choices(prop, op):
            carried = self.fm.carry_values(prop, self.kind, self.values, new_kind, self._names_for(prop, op))
            if self.fm.offers_choices(prop, op) and not self.choices:  # free text typed: keep known values only
                known = self.builder.known_values(prop)
                if known:  # (still being read: the free text stays as typed)
                    carried = ([v for v in carried[0] if v in known],) if new_kind == self.fm.TEXT_MANY else (
                        (carried[0] if carried[0] in known else "",))
            self._build_inputs(prop, new_kind, carried, op)
        else:
            self._sync_text_mode(prop, op)
        self.builder._rows_changed()

    def _on_value(self, _change) -> None:
        if not self._quiet:
            self.builder._rows_changed()


__all__ = ["FilterRow"]
