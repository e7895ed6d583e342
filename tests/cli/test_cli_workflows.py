"""CLI: workflows create/list/show/on/off/dry-run/run and the held queue."""

import json

import pytest


BOUNCED = '{"filterGroups":[{"filters":[{"propertyName":"hard_bounced","operator":"EQ","value":true}]}]}'
ALL_NON = '{"filterGroups":[{"filters":[{"propertyName":"marketing_status","operator":"EQ","value":"non_marketing"}]}]}'


@pytest.fixture
def cli(cli):
    assert cli("demo", "--contacts", "300", "--seed", "5")[0] == 0
    return cli


def test_workflow_lifecycle(cli, tmp_path):
    trigger = tmp_path / "t.json"
    trigger.write_text(BOUNCED)
    code, out, err = cli("workflows", "create", "--name", "Bounced out", "--trigger", f"@{trigger}",
                         "--action", "non-marketing", "--as", "admin")
    assert code == 0, err
    dry = json.loads(cli("workflows", "dry-run", "Bounced out", "--json")[1])
    before = json.loads(cli("status", "--json")[1])
    code, out, _ = cli("workflows", "on", "Bounced out", "--enroll-existing", "--as", "admin")
    assert code == 0 and f"enrolled {dry['would_enroll']:,}" in out
    after = json.loads(cli("status", "--json")[1])
    assert after["pending"] - before["pending"] == dry["forecast"]["changes"]
    listed = json.loads(cli("workflows", "list", "--json")[1])
    assert listed[0]["enabled"] is True and listed[0]["enrolled"] == dry["would_enroll"]
    code, out, _ = cli("workflows", "run")
    assert "enrolled 0, changed 0" in out
    assert cli("workflows", "off", "Bounced out", "--as", "admin")[0] == 0


def test_spike_guard_from_the_cli(cli):
    cli("account", "--spike-limit", "10", "--as", "admin")
    cli("workflows", "create", "--name", "All in", "--trigger", ALL_NON, "--action", "marketing", "--as", "admin")
    code, out, _ = cli("workflows", "on", "All in", "--enroll-existing", "--as", "admin")
    assert code == 0 and "HELD as held action 1" in out
    held = json.loads(cli("held", "list", "--json")[1])
    assert held[0]["kind"] == "workflow" and held[0]["count"] > 10
    code, _, err = cli("held", "approve", "1", "--as", "alice")
    assert code == 1 and "only admins" in err
    code, out, _ = cli("held", "approve", "1", "--as", "admin")
    assert code == 0 and f"changed {held[0]['count']:,}" in out
    assert json.loads(cli("status", "--json")[1])["non_marketing"] == 0


def test_bad_trigger_json(cli):
    with pytest.raises(SystemExit):
        cli("workflows", "create", "--name", "x", "--trigger", "{nope", "--action", "marketing", "--as", "admin")
    code, _, err = cli("workflows", "create", "--name", "x", "--trigger", '{"filterGroups":[{"filters":[]}]}',
                       "--action", "marketing", "--as", "admin")
    assert code == 1 and "trigger" in err
