"""A user without "Edit marketing contacts" cannot set a contact as marketing by any path.

Each path is refused with a clear error, and nothing stored changes: contacts,
audit rows, actions and held runs are exactly as before. Admins always hold the
permission (restricting one is refused), so the admin-only paths are refused to a
restricted user because he is not an admin, the others because he lacks the permission.
"""

import pytest
from sqlalchemy import func, select

from mcwidgets.domain.errors import PermissionDenied
from mcwidgets.domain.selection import Selection
from mcwidgets.services import account, contacts, importer, status, undo, users, workflows
from mcwidgets.store.models import Action, HeldAction
from tests.conftest import ADMIN, BOB
from tests.services.helpers import all_states, audit_rows, make_contact

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}


def stored(ctx):
    with ctx.read() as s:
        return (all_states(ctx), audit_rows(ctx), s.scalar(select(func.count()).select_from(Action)),
                s.execute(select(HeldAction.id, HeldAction.state)).all())


@pytest.fixture
def setup(ctx, tmp_path):
    """A non-marketing NL contact, a pending one, a held marketing workflow run, a CSV;
    the paths are tried by bob, who may not set contacts as marketing."""
    n = make_contact(ctx, "non_marketing", country="NL")
    m = make_contact(ctx, "marketing", 1)
    pending = status.set_non_marketing(ctx, ADMIN, Selection.of_ids([m]))
    account.configure(ctx, ADMIN, spike_limit=0)
    workflows.create(ctx, ADMIN, "Dutch in", NL, "marketing")
    workflows.create(ctx, ADMIN, "Dutch in later", NL, "marketing")
    held = workflows.turn_on(ctx, ADMIN, "Dutch in", enroll_existing=True).held_id
    csv = tmp_path / "people.csv"
    csv.write_text("Email,First Name\nnew@example.com,New\n")
    with pytest.raises(PermissionDenied, match="admins always hold"):
        users.set_permission(ctx, ADMIN, "admin", False)
    return {"n": n, "pending_action": pending.action_id, "held": held, "csv": str(csv)}


PATHS = {
    "single contact": lambda ctx, s: contacts.create_contact(
        ctx, BOB, contacts.NewContact(email="x@example.com"), status="marketing"),
    "bulk action": lambda ctx, s: status.set_marketing(ctx, BOB, Selection.of_ids([s["n"]])),
    "bulk action over a filter": lambda ctx, s: status.set_marketing(ctx, BOB, Selection(filter=NL)),
    "import --as-marketing": lambda ctx, s: importer.import_csv(ctx, BOB, s["csv"], as_marketing=True),
    "creating a workflow that sets marketing": lambda ctx, s: workflows.create(ctx, BOB, "w", NL, "marketing"),
    "turning on a workflow that sets marketing": lambda ctx, s: workflows.turn_on(
        ctx, BOB, "Dutch in later", enroll_existing=True),
    "approving a held spike": lambda ctx, s: workflows.approve(ctx, BOB, s["held"]),
    "undoing a pending change": lambda ctx, s: undo.undo(ctx, BOB, s["pending_action"]),
}


@pytest.mark.parametrize("path", PATHS)
def test_every_path_to_marketing_is_refused(ctx, setup, path):
    before = stored(ctx)
    with pytest.raises(PermissionDenied, match="bob does not have the 'Edit marketing contacts' permission|bob is not an admin"):
        PATHS[path](ctx, setup)
    assert stored(ctx) == before
