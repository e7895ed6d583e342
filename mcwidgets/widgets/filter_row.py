"""FilterRow: one condition of a FilterBuilder (property, operator, value inputs, remove).

The row reads the builder only through ``list_names()`` and tells it about changes
through ``_rows_changed()`` / ``_remove_row(row)``; ``filter_builder`` re-exports it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import ipywidgets as widgets

from . import filter_model as fm
from .panel_kit import replace_children

if TYPE_CHECKING:
    from .filter_builder import FilterBuilder


def _cls(widget: widgets.Widget, *names: str) -> widgets.Widget:
    for name in names:
        widget.add_class(name)
    return widget


class FilterRow(widgets.HBox):
    """One condition: property dropdown, operator dropdown, value input(s), remove button."""

    def __init__(self, builder: "FilterBuilder", condition: dict | None = None):
        self.builder = builder
        condition = condition or {"propertyName": fm.DEFAULT_PROPERTY, "operator": fm.DEFAULT_OPERATOR}
        prop, op = condition["propertyName"], condition["operator"]
        values = (fm.condition_values(condition) if fm.value_kind(prop, op) == fm.NONE
                  or any(k in condition for k in ("value", "values"))
                  else fm.default_values(prop, fm.value_kind(prop, op), self._names_for(prop, op)))
        self._quiet = False
        # descriptions are the inputs' accessible names (<label for>); the stylesheet
        # hides them visually (``.mcw-fb-row .widget-label``)
        self.property = _cls(widgets.Dropdown(options=fm.property_options(), value=prop, description="Property",
                                              layout=widgets.Layout(width="210px")), "mcw-fb-property")
        self.operator = _cls(widgets.Dropdown(options=fm.operator_options(prop), value=op, description="Operator",
                                              layout=widgets.Layout(width="190px")), "mcw-fb-operator")
        self.value_box = _cls(widgets.HBox(layout=widgets.Layout(align_items="center")), "mcw-fb-value-box")
        # no text: named by its tooltip (title); the stylesheet draws an x that is not read out
        self.remove_button = _cls(widgets.Button(description="", tooltip="Remove this condition",
                                                 layout=widgets.Layout(width="32px")), "mcw-fb-remove-row")
        self.inputs: list[widgets.Widget] = []
        self.kind = ""
        self._build_inputs(prop, fm.value_kind(prop, op), values)
        super().__init__([self.property, self.operator, self.value_box, self.remove_button])
        self.add_class("mcw-fb-row")
        self.property.observe(self._on_property, names="value")
        self.operator.observe(self._on_operator, names="value")
        self.remove_button.on_click(lambda _b: builder._remove_row(self))

    # ---- reading -----------------------------------------------------------------
    @property
    def values(self) -> tuple:
        kind = self.kind
        if kind == fm.NONE:
            return ()
        if kind == fm.TEXT_MANY:
            return (list(self.inputs[0].value),)
        if kind == fm.ENUM_MANY:
            return (tuple(self.inputs[0].value),)
        if kind in (fm.NUMBER_RANGE, fm.DATE_RANGE):
            return (self.inputs[0].value, self.inputs[1].value)
        return (self.inputs[0].value,)

    @property
    def spec(self) -> tuple[str, str, tuple]:
        """(property, operator, values) - what ``filter_model`` works on."""
        return self.property.value, self.operator.value, self.values

    @property
    def condition(self) -> dict:
        return fm.condition_json(*self.spec)

    @property
    def value_widget(self) -> widgets.Widget | None:
        """The (first) value input, None for "is known" / "is unknown"."""
        return self.inputs[0] if self.inputs else None

    # ---- inputs ------------------------------------------------------------------
    def _build_inputs(self, prop: str, kind: str, values: tuple) -> None:
        self.kind = kind
        self.inputs = self._make_inputs(prop, kind, values)
        for w, name in zip(self.inputs, self._input_names(kind)):
            w.description = name  # the accessible name, visually hidden like the dropdowns'
            _cls(w, "mcw-fb-value", f"mcw-fb-value-{kind}")
            w.observe(self._on_value, names="value")
        children: list[widgets.Widget] = list(self.inputs)
        if kind in (fm.NUMBER_RANGE, fm.DATE_RANGE):
            children.insert(1, _cls(widgets.HTML("and"), "mcw-fb-and"))
        if kind == fm.DAYS:
            children.append(_cls(widgets.HTML("days"), "mcw-fb-and"))
        replace_children(self.value_box, children)  # inputs no longer shown are closed

    @staticmethod
    def _input_names(kind: str) -> tuple[str, ...]:
        if kind in (fm.NUMBER_RANGE, fm.DATE_RANGE):
            return ("From", "To")
        return ("Days",) if kind == fm.DAYS else ("Value",)

    def _make_inputs(self, prop: str, kind: str, values: tuple) -> list[widgets.Widget]:
        if kind == fm.NONE:
            return []
        if kind == fm.TEXT_ONE:
            return [widgets.Text(value=values[0] or "", placeholder="value", continuous_update=True,
                                 layout=widgets.Layout(width="220px"))]
        if kind == fm.TEXT_MANY:
            return [widgets.TagsInput(value=list(values[0]), allow_duplicates=False,
                                      layout=widgets.Layout(width="320px"))]
        if kind in (fm.NUMBER_ONE, fm.NUMBER_RANGE):  # a layout of their own each (a widget, closed with them)
            return [self._number(prop, v, widgets.Layout(width="150px")) for v in values]
        if kind in (fm.DATE_ONE, fm.DATE_RANGE):
            return [widgets.DatePicker(value=v, layout=widgets.Layout(width="150px")) for v in values]
        if kind == fm.DAYS:
            return [widgets.IntText(value=values[0], layout=widgets.Layout(width="90px"))]
        if kind == fm.BOOL_ONE:
            return [widgets.Dropdown(options=fm.BOOL_OPTIONS, value=bool(values[0]),
                                     layout=widgets.Layout(width="100px"))]
        if kind == fm.ENUM_ONE:
            return [widgets.Dropdown(options=fm.enum_options(prop), value=values[0],
                                     layout=widgets.Layout(width="220px"))]
        if kind == fm.ENUM_MANY:
            options = fm.enum_options(prop)
            return [widgets.SelectMultiple(options=options, value=tuple(values[0]),
                                           rows=min(len(options), 5), layout=widgets.Layout(width="240px"))]
        if kind == fm.LIST_ONE:
            names = list(self.builder.list_names())
            if values[0] and values[0] not in names:
                names.append(values[0])  # a list loaded from a filter, deleted since: keep it visible
            return [widgets.Dropdown(options=names, value=values[0] if values[0] in names else None,
                                     layout=widgets.Layout(width="240px"))]
        raise ValueError(kind)

    @staticmethod
    def _number(prop: str, value, layout) -> widgets.Widget:
        if prop in fm.INTEGER_PROPERTIES and (value is None or float(value).is_integer()):
            return widgets.IntText(value=int(value or 0), layout=layout)
        return widgets.FloatText(value=float(value or 0), layout=layout)

    def _names_for(self, prop: str, op: str) -> list[str]:
        """The list names, read only for a list row (reading them counts members)."""
        return self.builder.list_names() if fm.value_kind(prop, op) == fm.LIST_ONE else []

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
        options = fm.operator_options(prop)
        keep = self.operator.value if self.operator.value in [o for _, o in options] else options[0][1]
        with self._silenced():
            self.operator.options = options
            self.operator.value = keep
        kind = fm.value_kind(prop, keep)
        if kind == self.kind and kind in (fm.NONE, fm.TEXT_ONE, fm.TEXT_MANY):
            # A text box is the same for every text property: keep it (emptied), so that what
            # the user types right after choosing the property is not lost with a replaced box.
            with self._silenced():
                for w in self.inputs:
                    w.value = [] if kind == fm.TEXT_MANY else ""
        else:
            self._build_inputs(prop, kind, fm.default_values(prop, kind, self._names_for(prop, keep)))
        self.builder._rows_changed()

    def _on_operator(self, change) -> None:
        if self._quiet or change["new"] is None:
            return
        prop, new_kind = self.property.value, fm.value_kind(self.property.value, change["new"])
        if new_kind != self.kind:
            self._build_inputs(prop, new_kind, fm.carry_values(prop, self.kind, self.values, new_kind,
                                                               self._names_for(prop, change["new"])))
        self.builder._rows_changed()

    def _on_value(self, _change) -> None:
        if not self._quiet:
            self.builder._rows_changed()


__all__ = ["FilterRow"]
