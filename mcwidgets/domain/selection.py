"""What an action applies to: explicit ids, a filter, a list, or "all matching except"."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ValidationError

MAX_IDS = 1_000_000
MAX_ID = 2**31 - 1  # ids are SQL INTEGER: 32 bits on PostgreSQL


ALL_CONTACTS_FILTER = {"filterGroups": []}
EXPLICIT_ALL = ("the filter has no conditions, so it selects every contact: to act on all contacts, say so "
                "explicitly (--all on the command line; all_contacts=True from Python)")


@dataclass(frozen=True)
class Selection:
    """``all_contacts``: the caller says explicitly that it means every contact (alone,
    or with a filter that has no conditions, as "select all matching" sends). An action
    refuses a filter without conditions unless this is set (``require_explicit_all``):
    an empty selection means everything only when explicit."""

    ids: tuple[int, ...] | None = None
    filter: dict | None = None  # the filter JSON (see domain.filters)
    list_name: str | None = None
    exclude_ids: tuple[int, ...] = field(default_factory=tuple)
    all_contacts: bool = False

    def __post_init__(self):
        if self.all_contacts:
            if self.ids is not None or self.list_name is not None:
                raise ValidationError("all contacts cannot be combined with ids or a list")
            if self.filter is None:
                object.__setattr__(self, "filter", dict(ALL_CONTACTS_FILTER))
        given = [x is not None for x in (self.ids, self.filter, self.list_name)]
        if sum(given) != 1:
            raise ValidationError("a selection needs exactly one of: ids, a filter, a list")
        if self.ids is not None:
            object.__setattr__(self, "ids", tuple(_as_ids(self.ids)))
        object.__setattr__(self, "exclude_ids", tuple(_as_ids(self.exclude_ids)))

    @classmethod
    def of_ids(cls, ids) -> "Selection":
        return cls(ids=tuple(ids))

    def selects_everything(self) -> bool:
        """A filter without conditions: it matches every contact."""
        if self.filter is None:
            return False
        from .filters import parse_filter

        try:
            return not parse_filter(self.filter).groups
        except ValidationError:
            return False  # a bad filter is refused, with its reason, where it is compiled

    def require_explicit_all(self) -> None:
        """Refuse to act on every contact through an empty filter unless ``all_contacts``."""
        if self.selects_everything() and not self.all_contacts:
            raise ValidationError(EXPLICIT_ALL)

    def describe(self) -> str:
        if self.all_contacts and self.selects_everything():
            text = "all contacts"
        elif self.ids is not None:
            text = f"{len(self.ids)} chosen contact(s)"
        elif self.list_name is not None:
            text = f"list {self.list_name!r}"
        else:
            try:
                from .filters import describe_filter

                text = describe_filter(self.filter)
            except Exception:  # a description must never break an action
                text = "a filter"
        if self.exclude_ids:
            text += f" except {len(self.exclude_ids)}"
        return text


def _as_ids(values) -> list[int]:
    out = []
    for v in values:
        try:
            i = int(v)
        except (TypeError, ValueError):
            raise ValidationError(f"contact id {v!r} is not a whole number")
        if i <= 0:
            raise ValidationError(f"contact id {i} is not valid")
        if i > MAX_ID:
            raise ValidationError(f"contact id {i} is too large (at most {MAX_ID})")
        out.append(i)
    if len(out) > MAX_IDS:
        raise ValidationError(f"too many contact ids ({len(out):,}; at most {MAX_IDS:,}): use a filter")
    return out


def parse_ids(text: str) -> tuple[int, ...]:
    """'1,2, 3' -> (1, 2, 3); ranges '5-9' are accepted too."""
    ids: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part[1:]:
            lo, hi = part.split("-", 1)
            try:
                a, b = int(lo), int(hi)
            except ValueError:
                raise ValidationError(f"bad id range {part!r}")
            if b < a or b - a > MAX_IDS:
                raise ValidationError(f"bad id range {part!r}")
            _as_ids([a, b])  # both ends must be valid contact ids
            ids.extend(range(a, b + 1))
        else:
            ids.extend(_as_ids([part]))
    if not ids:
        raise ValidationError("no contact ids given")
    return tuple(_as_ids(ids))
