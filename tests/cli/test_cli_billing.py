"""Issue 11 through the public CLI, as a new user would: update dates and tier events."""

import json


def test_account_west_of_utc_through_the_cli(run, tmp_path):
    first = "2026-03-15T02:00:00Z"  # still 14 March in Los Angeles
    assert run("users", "add", "admin", now=first)[0] == 0
    code, out, err = run("account", "--billing", "monthly", "--start", "2026-01-15", "--timezone",
                         "America/Los_Angeles", "--json", "--as", "admin", now=first)
    assert code == 0, err
    csv = tmp_path / "one.csv"
    csv.write_text("Email\none@example.com\n")
    assert run("import", str(csv), "--as-marketing", "--as", "admin", now=first)[0] == 0
    assert run("set-status", "non-marketing", "--ids", "1", "--as", "admin", now=first)[0] == 0
    status = json.loads(run("status", "--json", now=first)[1])
    assert status["next_update_date"] == "2026-03-15" and status["pending"] == 1
    code, out, _ = run("rollover", "--json", now="2026-03-15T07:00:00Z")  # Los Angeles midnight
    assert json.loads(out)["update_dates"] == ["2026-03-15"] and json.loads(out)["changed"] == 1
    status = json.loads(run("status", "--json", now="2026-03-15T07:00:00Z")[1])
    assert (status["pending"], status["non_marketing"], status["next_update_date"]) == (0, 1, "2026-04-15")


def test_status_json_tier_events_newest_first_and_actions_list(cli, tmp_path):
    csv = tmp_path / "many.csv"
    csv.write_text("Email\n" + "".join(f"c{i}@example.com\n" for i in range(2001)))
    code, out, err = cli("import", str(csv), "--as-marketing", "--as", "alice", now="2026-06-03T10:00:00Z")
    assert code == 0, err
    data = json.loads(cli("status", "--json", now="2026-06-03T11:00:00Z")[1])
    (ev,) = data["tier_events"]
    assert (ev["tier_from"], ev["tier_to"], ev["actor"], ev["action_kind"]) == (2000, 7000, "alice", "import")
    assert ev["text"] == "Tier raised from 2,000 to 7,000 on 3 Jun 2026 by alice's import of 2,001 contacts"
    code, out, _ = cli("status", now="2026-06-03T11:00:00Z")
    assert "Tier raised from 2,000 to 7,000 on 3 Jun 2026" in out
    code, out, _ = cli("actions", "list", now="2026-06-03T11:00:00Z")
    assert "tier_raised" in out and "Tier raised from 2,000 to 7,000" in out


def test_a_clock_set_back_shows_the_first_date_after_the_processed_boundary(cli):
    assert cli("rollover", now="2026-12-26T00:00:00Z")[0] == 0
    data = json.loads(cli("status", "--json", now="2026-12-20T00:00:00Z")[1])
    assert data["next_update_date"] == "2027-01-26"


def test_acknowledge_tier_events_from_the_cli_admins_only(cli, tmp_path):
    csv = tmp_path / "many.csv"
    csv.write_text("Email\n" + "".join(f"c{i}@example.com\n" for i in range(2001)))
    assert cli("import", str(csv), "--as-marketing", "--as", "alice")[0] == 0
    code, out, err = cli("account", "--acknowledge-tier-events", "--as", "alice")
    assert code != 0 and "only admins" in err and "Traceback" not in err
    code, out, err = cli("account", "--acknowledge-tier-events", "--as", "admin")
    assert code == 0 and "acknowledged 1 tier change" in err
    assert "Tier raised" not in cli("status")[1]
    (ev,) = json.loads(cli("status", "--json")[1])["tier_events"]
    assert ev["acknowledged_by"] == "admin"
