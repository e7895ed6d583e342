"""One contact schema: what the API creates, export writes and import reads agree (SQLite and PostgreSQL)."""

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.fields import FIELDS, text_limits
from mcwidgets.services import contacts, csvcolumns
from mcwidgets.services.exporter import export_csv
from mcwidgets.services.importer import import_csv
from tests.conftest import ADMIN, ALICE
from tests.services.test_export import all_contacts


def test_a_150_character_first_name_is_refused_by_the_api_as_by_import(ctx, tmp_path):
    # Before: the API stored it (limit 200), then the re-import of its own export refused it (100).
    with pytest.raises(ValidationError, match=r"^First name too long \(150 characters, at most 100\)"):
        contacts.create_contact(ctx, ADMIN, contacts.NewContact(email="long@example.com", first_name="F" * 150))
    assert all_contacts(ctx) == []
    path = tmp_path / "long.csv"
    path.write_text("Email,First Name\nlong@example.com," + "F" * 150 + "\n", encoding="utf-8")
    r = import_csv(ctx, ADMIN, path)
    assert r.bad_rows == 1 and r.errors[0][2] == "First Name too long (150 characters, at most 100)"


@pytest.mark.parametrize("name", ["first_name", "last_name", "company", "country"])
def test_each_text_limit_is_the_same_for_the_api_and_import(ctx, name):
    limit = FIELDS[name].max_length
    assert csvcolumns.TEXT_LIMITS[name] == limit
    with pytest.raises(ValidationError, match="too long"):
        contacts.create_contact(ctx, ADMIN, contacts.NewContact(email="x@example.com", **{name: "x" * (limit + 1)}))
    # Surrounding whitespace is stripped before counting, on both paths.
    contacts.create_contact(ctx, ADMIN, contacts.NewContact(email="x@example.com", **{name: " " + "x" * limit + " "}))


def test_what_the_api_accepts_at_the_limits_re_imports_from_its_own_export(ctx, tmp_path):
    longest = {name: ("=" + "é" * (limit - 1)) for name, limit in text_limits().items() if name != "email"}
    cid, _ = contacts.create_contact(ctx, ADMIN, contacts.NewContact(email="edge@example.com", **longest,
                                                                     lifecycle_stage="MQL"))
    created = contacts.get_contact(ctx, cid)
    assert {k: created[k] for k in longest} == longest and created["lifecycle_stage"] == "marketing_qualified_lead"
    path = tmp_path / "export.csv"
    assert export_csv(ctx, path) == 1  # the formula-like texts are written quoted ('=...): one character more
    before = all_contacts(ctx)
    r = import_csv(ctx, ALICE, path, strict=True)
    assert (r.applied, r.bad_rows, r.updated) == (True, 0, 1), r.errors
    assert all_contacts(ctx) == before
