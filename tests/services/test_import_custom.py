"""Import keeps the columns no built-in property recognises as custom properties (types
inferred or given in the mapping); bad values are bad rows; export and re-import round-trip."""

import io

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.services import exporter, paging, properties
from mcwidgets.services.importer import import_csv
from mcwidgets.store.models import Contact
from tests.conftest import ADMIN

CSV = """Email,First Name,Job Title,Number of Employees,Lead Status,Renewal Date,Last Open,Newsletter
ann@x.com,Ann,Head of Sales,600,Open,2026-03-15,2026-03-15 10:23,Yes
bob@x.com,Bob,Engineer,12,Open,2026-04-01,2026-04-01 08:00,No
cy@x.com,Cy,CTO,,In progress,,,
dee@x.com,Dee,Designer,5000,In progress,2026-05-01,2026-05-02 23:59,yes
"""


def _custom(ctx, email):
    with ctx.read() as s:
        row = s.query(Contact).filter(Contact.email == email).one()
        return row.custom or {}


def test_unknown_columns_become_typed_custom_properties(ctx):
    r = import_csv(ctx, ADMIN, io.StringIO(CSV))
    assert (r.created, r.bad_rows) == (4, 0)
    assert r.ignored_columns == ()
    assert r.new_properties == (("job_title", "text", "Job Title"), ("number_of_employees", "number",
                                 "Number of Employees"), ("lead_status", "enumeration", "Lead Status"),
                                ("renewal_date", "date", "Renewal Date"), ("last_open", "datetime", "Last Open"),
                                ("newsletter", "boolean", "Newsletter"))
    assert [p.options for p in properties.list_properties(ctx) if p.name == "lead_status"] == [("In progress", "Open")]
    assert _custom(ctx, "ann@x.com") == {"job_title": "Head of Sales", "number_of_employees": 600,
                                         "lead_status": "Open", "renewal_date": "2026-03-15",
                                         "last_open": "2026-03-15 10:23:00", "newsletter": True}
    assert _custom(ctx, "cy@x.com") == {"job_title": "CTO", "lead_status": "In progress"}
    big = {"filterGroups": [{"filters": [{"propertyName": "number_of_employees", "operator": "GT", "value": 500}]}]}
    assert paging.page(ctx, selection_or_filter=big).total == 2


def test_the_mapping_gives_names_and_types_and_a_dry_run_lists_what_it_would_create(ctx):
    mapping = {"Job Title": {"property": "role", "type": "text"}, "Number of Employees": {"property": "staff",
               "type": "text"}, "Newsletter": None, "Lead Status": None, "Renewal Date": None, "Last Open": None}
    r = import_csv(ctx, ADMIN, io.StringIO(CSV), mapping=mapping, dry_run=True)
    assert r.dry_run and r.new_properties == (("role", "text", "Job Title"), ("staff", "text", "Number of Employees"))
    assert properties.list_properties(ctx) == []  # a dry run creates nothing
    r = import_csv(ctx, ADMIN, io.StringIO(CSV), mapping=mapping)
    assert r.created == 4 and set(r.ignored_columns) == {"Newsletter", "Lead Status", "Renewal Date", "Last Open"}
    assert _custom(ctx, "ann@x.com") == {"role": "Head of Sales", "staff": "600"}


def test_values_that_do_not_fit_an_existing_property_are_bad_rows_and_nothing_is_half_written(ctx):
    properties.create_property(ctx, ADMIN, "number_of_employees", "Employees", "number")
    csv_text = "Email,Number of Employees,Job Title\nann@x.com,600,Boss\nbob@x.com,many,Eng\n"
    r = import_csv(ctx, ADMIN, io.StringIO(csv_text))
    assert (r.created, r.bad_rows) == (1, 1)
    assert r.errors[0][0] == 3 and "Number of Employees: 'many' is not a number" in r.errors[0][2]
    with ctx.read() as s:
        assert s.query(Contact).filter(Contact.email == "bob@x.com").count() == 0
    r = import_csv(ctx, ADMIN, io.StringIO("Email,Number of Employees\nann@x.com,7\nann2@x.com,x\n"), strict=True)
    assert not r.applied and _custom(ctx, "ann@x.com")["number_of_employees"] == 600
    with pytest.raises(ValidationError, match="is a number"):
        import_csv(ctx, ADMIN, io.StringIO(csv_text), mapping={"Number of Employees": {
            "property": "number_of_employees", "type": "text"}})


def test_a_re_import_updates_custom_values_and_keeps_the_others(ctx):
    import_csv(ctx, ADMIN, io.StringIO(CSV))
    r = import_csv(ctx, ADMIN, io.StringIO("Email,Job Title,Number of Employees\nann@x.com,CEO,\n"))
    assert (r.updated, r.new_properties) == (1, ())
    values = _custom(ctx, "ann@x.com")
    assert values["job_title"] == "CEO" and values["number_of_employees"] == 600 and values["newsletter"] is True


def test_export_then_re_import_maps_custom_columns_back_to_the_same_properties(ctx, tmp_path):
    import_csv(ctx, ADMIN, io.StringIO(CSV))
    out = tmp_path / "out.csv"
    exporter.export_csv(ctx, out)
    header = out.read_text().splitlines()[0]
    assert header.endswith("Job Title,Number of Employees,Lead Status,Renewal Date,Last Open,Newsletter")
    before = {e: _custom(ctx, e) for e in ("ann@x.com", "bob@x.com", "cy@x.com", "dee@x.com")}
    properties.set_values(ctx, ADMIN, 1, {"job_title": "changed"})
    r = import_csv(ctx, ADMIN, out)
    assert (r.bad_rows, r.new_properties, r.updated) == (0, (), 4)
    assert {e: _custom(ctx, e) for e in before} == before


def test_a_held_import_keeps_its_rows_custom_values_until_approved(ctx, tmp_path):
    from mcwidgets.services import account, workflows

    account.configure(ctx, ADMIN, spike_limit=1)
    path = tmp_path / "held.csv"
    path.write_text("Email,Marketing contact status,Seats\na@x.com,marketing,3\nb@x.com,marketing,4\n")
    r = import_csv(ctx, ADMIN, path)
    assert r.held_action_id is not None and r.new_properties == (("seats", "number", "Seats"),)
    path.write_text("Email\n")  # the file changes meanwhile: the held rows are what counts
    done = workflows.approve(ctx, ADMIN, r.held_action_id)
    assert done.created == 2 and _custom(ctx, "b@x.com") == {"seats": 4}
