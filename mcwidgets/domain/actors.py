"""Who acts: a user, or one of the system actors (workflow, import, form, rollover)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    ADMIN = "admin"
    USER = "user"


class ActorKind(str, Enum):
    USER = "user"
    WORKFLOW = "workflow"
    IMPORT = "import"
    FORM = "form"
    ROLLOVER = "rollover"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    name: str

    def __str__(self) -> str:
        return self.name if self.kind is ActorKind.USER else f"{self.kind.value}:{self.name}"


ROLLOVER = Actor(ActorKind.ROLLOVER, "rollover")
SYSTEM = Actor(ActorKind.SYSTEM, "system")
