"""`mcwidgets serve`: preparing the store and the Voila command (--dry-run, no server)."""

import json
import os
import tomllib
from pathlib import Path

import nbformat
import pytest

from mcwidgets import serve
from mcwidgets.app import App
from mcwidgets.cli import main
from mcwidgets.services.import_upload import UPLOAD_MESSAGE_BYTES

NOW = "2026-11-26T12:00:00+00:00"
ROOT = Path(__file__).resolve().parents[2]


def dry_run(capsys, db_url, *args):
    code = main(["--db", db_url, "--now", NOW, "serve", *args, "--dry-run"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_fresh_database_gets_the_demo_and_the_first_admin(sqlite_url, capsys):
    code, plan, err = dry_run(capsys, sqlite_url, "--demo-contacts", "60")
    assert code == 0, err
    assert "demo database ready: 60 contacts" in err
    assert plan["user"] == "admin" and plan["url"] == "http://127.0.0.1:8866/"
    assert plan["env"] == {"MCWIDGETS_USER": "admin", "MCWIDGETS_NOW": NOW}
    argv = plan["argv"]
    assert argv[1:3] == ["-m", "mcwidgets.voila_server"] and Path(argv[3]) == serve.NOTEBOOK and serve.NOTEBOOK.exists()
    for flag in ("--port=8866", "--Voila.ip=127.0.0.1", "--VoilaConfiguration.show_tracebacks=False",
                 "--MappingKernelManager.cull_idle_timeout=60", "--MappingKernelManager.cull_interval=15",
                 "--MappingKernelManager.cull_connected=False", "--CappedKernelManager.max_kernels=4",
                 "--VoilaConfiguration.multi_kernel_manager_class=mcwidgets.serve_kernels.CappedKernelManager",
                 "--VoilaConfiguration.template=mcwidgets", "--Voila.open_browser=False",
                 "--VoilaConfiguration.extension_denylist=['jupyterlab-plotly']"):
        assert flag in argv
    assert not any("token" in a for a in argv)
    assert App.open(sqlite_url, now=NOW).status().total == 60


def test_existing_store_is_left_alone_and_as_user_is_used(ctx, db_url, capsys):
    code, plan, err = dry_run(capsys, db_url, "--as", "alice", "--port", "9123")
    assert code == 0, err
    assert plan["user"] == "alice" and plan["url"] == "http://127.0.0.1:9123/" and "--port=9123" in plan["argv"]
    assert "demo" not in err
    assert App.open(db_url, now=NOW).status().total == 0  # users but no contacts: not a fresh store


def test_user_from_the_environment(ctx, sqlite_url, capsys, monkeypatch):
    monkeypatch.setenv("MCWIDGETS_USER", "bob")
    code, plan, err = dry_run(capsys, sqlite_url)
    assert code == 0, err
    assert plan["user"] == "bob"


def test_unknown_user_is_a_one_line_error(ctx, sqlite_url, capsys):
    code, _, err = dry_run(capsys, sqlite_url, "--as", "mallory")
    assert code == 1 and "unknown user 'mallory'" in err and "Traceback" not in err


def test_no_users_and_no_demo_is_an_error(sqlite_url, capsys):
    code, _, err = dry_run(capsys, sqlite_url, "--demo-contacts", "0")
    assert code == 1 and "no users" in err


def test_token_is_generated_and_kept_off_the_command_line(ctx, sqlite_url):
    app = App.open(sqlite_url, now=NOW)
    p = serve.plan(app, token=True, say=lambda text: None)
    secret = p.url.split("?token=", 1)[1]
    assert len(secret) >= 24 and p.env["JUPYTER_TOKEN"] == secret
    assert "--Voila.auto_token=True" in p.argv and not any(secret in a for a in p.argv)
    assert serve.plan(app, say=lambda text: None).env.get("JUPYTER_TOKEN") is None
    app.close()


def test_environment_for_the_kernel(ctx, sqlite_url):
    app = App.open(sqlite_url, now=NOW)
    p = serve.plan(app, now="2026-12-01T08:00:00+01:00", say=lambda text: None)
    assert p.env["MCWIDGETS_DATABASE_URL"] == sqlite_url and p.env["MCWIDGETS_NOW"] == "2026-12-01T08:00:00+01:00"
    assert str(serve.TEMPLATES_ROOT) in p.env["JUPYTER_PATH"].split(os.pathsep)
    assert (serve.TEMPLATES_ROOT / "voila" / "templates" / "mcwidgets" / "index.html.j2").exists()
    app.close()


def test_relative_sqlite_paths_become_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert serve.absolute_db_url("sqlite:///data/x.db") == f"sqlite:///{tmp_path / 'data' / 'x.db'}"
    assert serve.absolute_db_url("sqlite:////abs/x.db") == "sqlite:////abs/x.db"
    assert serve.absolute_db_url("postgresql+psycopg://u:secret@h/db") == "postgresql+psycopg://u:secret@h/db"


def test_bad_port(ctx, sqlite_url, capsys):
    code, _, err = dry_run(capsys, sqlite_url, "--port", "70000")
    assert code == 1 and "bad port" in err


def test_the_notebook_is_packaged_small_and_without_outputs():
    packaged, repo = serve.NOTEBOOK, ROOT / "notebooks" / "dashboard.ipynb"
    assert packaged.read_text() == repo.read_text()
    nb = nbformat.read(packaged, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and "dashboard_from_env()" in code[0].source
    assert all(not c.get("outputs") for c in code) and "widgets" not in nb.metadata
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["mcwidgets"]
    assert "notebooks/*.ipynb" in data and "share/jupyter/voila/templates/mcwidgets/*" in data


def tornado_settings(argv) -> dict:
    import ast

    flag = next(a for a in argv if a.startswith("--Voila.tornado_settings="))
    return ast.literal_eval(flag.split("=", 1)[1])  # how traitlets reads a Dict on the command line


def test_only_local_hosts_by_default(ctx, sqlite_url, capsys):
    code, plan, err = dry_run(capsys, sqlite_url)
    assert code == 0, err
    assert tornado_settings(plan["argv"]) == {"allow_remote_access": False, "local_hostnames": ["localhost"],
                                              "websocket_max_message_size": UPLOAD_MESSAGE_BYTES}


def test_allow_host_and_max_kernels(ctx, sqlite_url, capsys):
    code, plan, err = dry_run(capsys, sqlite_url, "--allow-host", "Dash.Example.com", "--allow-host", "intranet",
                              "--allow-host", "127.0.0.1", "--max-kernels", "9")
    assert code == 0, err
    assert tornado_settings(plan["argv"])["local_hostnames"] == ["localhost", "dash.example.com", "intranet"]
    assert "--CappedKernelManager.max_kernels=9" in plan["argv"]


def test_bad_allow_host_and_max_kernels_are_one_line_errors(ctx, sqlite_url, capsys):
    for args, words in ((("--allow-host", "http://evil.example/"), "is not a host name"),
                        (("--allow-host", "evil.example:80"), "is not a host name"),
                        (("--allow-host", "192.168.1.9"), "not an IP address"),
                        (("--max-kernels", "0"), "at least 1")):
        code, _, err = dry_run(capsys, sqlite_url, *args)
        assert code == 1 and words in err and len(err.strip().splitlines()) == 1, err


def test_preheated_kernels_by_default_and_preheat_n(ctx, sqlite_url, capsys):
    code, plan, err = dry_run(capsys, sqlite_url)
    assert code == 0, err
    assert "--VoilaConfiguration.preheat_kernel=True" in plan["argv"]
    assert f"--VoilaConfiguration.default_pool_size={serve.DEFAULT_PREHEAT}" in plan["argv"]
    assert serve.DEFAULT_PREHEAT == 1
    # the pool is Voila's, on the capped manager (which keeps it under --max-kernels)
    assert "--VoilaConfiguration.multi_kernel_manager_class=mcwidgets.serve_kernels.CappedKernelManager" in plan["argv"]
    # the user and the clock reach pooled kernels as they reach the others: Voila's environment
    assert plan["env"] == {"MCWIDGETS_USER": "admin", "MCWIDGETS_NOW": NOW}
    code, plan, err = dry_run(capsys, sqlite_url, "--preheat", "3", "--max-kernels", "3")
    assert code == 0, err
    assert "--VoilaConfiguration.default_pool_size=3" in plan["argv"]


def test_preheat_0_turns_the_pool_off(ctx, sqlite_url, capsys):
    code, plan, err = dry_run(capsys, sqlite_url, "--preheat", "0")
    assert code == 0, err
    assert not any("preheat" in a or "pool_size" in a for a in plan["argv"])


def test_bad_preheat_is_a_one_line_error(ctx, sqlite_url, capsys):
    for args, words in ((("--preheat", "5"), "--preheat 5 is more than --max-kernels 4"),
                        (("--preheat", "2", "--max-kernels", "1"), "count against the cap")):
        code, _, err = dry_run(capsys, sqlite_url, *args)
        assert code == 1 and words in err and len(err.strip().splitlines()) == 1, err
    with pytest.raises(SystemExit):  # argparse: its usage, then one error line
        dry_run(capsys, sqlite_url, "--preheat", "-1")
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith("argument --preheat: '-1' is negative")
