"""``mcwidgets serve``: the dashboard in Voila, on 127.0.0.1.

Steps: make sure the store has data (a fresh store gets the demo database), apply
due rollovers, resolve the acting user (``--as``, else ``$MCWIDGETS_USER``, else
the first admin), then run Voila on the packaged notebook with the database URL,
user and clock passed in environment variables. The Voila settings all live in
``VOILA_SETTINGS`` below.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from .app import ENV_USER, App, parse_now
from .domain.errors import NotFound, ValidationError
from .kernel_check import require_kernel
from .services import users
from .services.import_upload import UPLOAD_MESSAGE_BYTES
from .store.engine import ENV_URL
from .widgets.plotly_loader import plotly_major

PACKAGE_DIR = Path(__file__).resolve().parent
NOTEBOOK = PACKAGE_DIR / "notebooks" / "dashboard.ipynb"
TEMPLATES_ROOT = PACKAGE_DIR / "share" / "jupyter"  # voila/templates/mcwidgets
TEMPLATE = "mcwidgets"
HOST = "127.0.0.1"
DEFAULT_PORT = 8866
DEMO_CONTACTS = 20_000
ENV_NOW = "MCWIDGETS_NOW"

# Voila configuration (traitlets names). One place, used for every start.
VOILA_SETTINGS: dict[str, object] = {
    "Voila.ip": HOST,
    "Voila.open_browser": False,  # serve opens the browser itself, with the token if any
    "Voila.port_retries": 0,  # the port asked for, or an error: never a surprise port
    "VoilaConfiguration.template": TEMPLATE,  # lab without CDN links
    "VoilaConfiguration.theme": "light",
    "VoilaConfiguration.show_tracebacks": False,  # errors are shown as messages, never tracebacks
    # A kernel per page, at most DEFAULT_MAX_KERNELS at once (--max-kernels); a page over
    # the cap gets a sentence saying so (serve_kernels.py).
    "VoilaConfiguration.multi_kernel_manager_class": "mcwidgets.serve_kernels.CappedKernelManager",
    # The kernel of a closed page (no connection left) goes after a minute idle, checked
    # every 15 s; an open page keeps its connection and so its kernel.
    "MappingKernelManager.cull_idle_timeout": 60,
    "MappingKernelManager.cull_interval": 15,
    "MappingKernelManager.cull_connected": False,
}
DEFAULT_MAX_KERNELS = 4
# Preheated kernels (--preheat N): N kernels per notebook that have already built the
# dashboard wait for the next pages; the dashboard re-reads its figures when a page takes
# one (dashboard.dashboard_from_env). They count against --max-kernels and are never culled.
DEFAULT_PREHEAT = 1
# Names a browser may use in the Host header besides 127.0.0.1 (any loopback address is
# accepted) and localhost: more with --allow-host. Anything else gets 403, which defeats
# DNS rebinding; websockets must also come from the page's own origin (Origin == Host).
LOCAL_HOSTNAMES = ("localhost",)
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


@dataclass
class ServePlan:
    argv: list[str]
    env: dict[str, str]
    url: str  # what to open (with ?token=... when a token is required)
    user: str
    db_url_shown: str  # the database URL with any password hidden
    demo: object | None = None  # DemoResult when a demo database was created
    notes: list[str] = field(default_factory=list)


def voila_flags(settings: dict[str, object] | None = None) -> list[str]:
    flags = []
    for key, value in (voila_settings() if settings is None else settings).items():
        if isinstance(value, bool):
            value = "True" if value else "False"
        elif isinstance(value, dict):  # traitlets reads "{...}" with ast.literal_eval: a Python literal,
            value = repr(value)         # not JSON ("key=value" items would give strings: 'False' is true)
        elif isinstance(value, (list, tuple)):
            value = "[" + ",".join(repr(str(v)) for v in value) + "]"
        flags.append(f"--{key}={value}")
    return flags


def absolute_db_url(url) -> str:
    """The URL as a string, with a relative SQLite path made absolute (Voila runs the
    kernel in the notebook's folder, not in the caller's)."""
    u = make_url(str(url)) if not hasattr(url, "drivername") else url
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" \
            and not u.database.startswith("file:") and not os.path.isabs(u.database):
        u = u.set(database=str(Path(u.database).resolve()))
    return u.render_as_string(hide_password=False)


def ensure_data(app: App, demo_contacts: int = DEMO_CONTACTS, say=print):
    """A store with neither contacts nor users gets the demo database; returns its DemoResult."""
    report = app.status()  # also applies due rollovers
    if report.total == 0 and not app.users() and demo_contacts > 0:
        say(f"mcwidgets: empty database: creating the demo data ({demo_contacts:,} contacts) ...")
        result = app.demo(contacts=demo_contacts)
        app.status()
        return result
    return None


def resolve_user(app: App, user: str | None) -> str:
    """``--as`` (or ``$MCWIDGETS_USER``, which App.open already read), else the first admin."""
    name = user or app.user or os.environ.get(ENV_USER) or users.first_admin(app.ctx)
    if not name:
        raise ValidationError("the database has no users: add one with `mcwidgets users add NAME`, "
                              "or pass --as USER")
    try:
        users.get_user(app.ctx, name)
    except NotFound:
        raise NotFound(f"unknown user {name!r} (see `mcwidgets users list`)")
    return name


def allowed_hosts(names=()) -> list[str]:
    """The host names accepted in the Host header: localhost and ``names`` (--allow-host)
    (loopback addresses such as 127.0.0.1 are always accepted)."""
    hosts = list(LOCAL_HOSTNAMES)
    for raw in names or ():
        name = str(raw).strip().lower().rstrip(".")
        try:
            addr = ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            addr = None
        if addr is not None:
            if addr.is_loopback:
                continue  # always accepted
            raise ValidationError(f"--allow-host {raw!r}: give a host name, not an IP address "
                                  "(only loopback addresses are accepted as such)")
        if not _HOST_NAME.match(name):
            raise ValidationError(f"--allow-host {str(raw)[:80]!r} is not a host name "
                                  "(e.g. dashboard.example.com, without scheme or port)")
        if name not in hosts:
            hosts.append(name)
    return hosts


def voila_settings(*, max_kernels: int = DEFAULT_MAX_KERNELS, allow_hosts=(),
                   preheat: int = 0) -> dict[str, object]:
    """VOILA_SETTINGS plus the per-start ones: the kernel cap, the pool of preheated
    kernels and the accepted hosts."""
    if max_kernels < 1:
        raise ValidationError(f"--max-kernels must be at least 1 (got {max_kernels})")
    if preheat < 0:
        raise ValidationError(f"--preheat must be 0 (off) or more (got {preheat})")
    if preheat > max_kernels:
        raise ValidationError(f"--preheat {preheat} is more than --max-kernels {max_kernels}: "
                              "preheated kernels count against the cap")
    pool = {"VoilaConfiguration.preheat_kernel": True, "VoilaConfiguration.default_pool_size": preheat} \
        if preheat > 0 else {}
    # plotly 6+: its JupyterLab extension is only the renderer of plotly *outputs*, with all of
    # plotly.js (4.8 MB), which Voila loads on every page; the dashboard has none (its chart is
    # a FigureWidget, whose plotly.js the server serves itself: voila_server.py).
    no_renderer = {"VoilaConfiguration.extension_denylist": ["jupyterlab-plotly"]} \
        if (plotly_major() or 0) >= 6 else {}
    return {
        **VOILA_SETTINGS,
        **pool,
        **no_renderer,
        "CappedKernelManager.max_kernels": max_kernels,
        # Voila itself sets allow_remote_access=True (any Host); these settings are
        # applied after its own, so the Host check of Jupyter server is back on.
        "Voila.tornado_settings": {"allow_remote_access": False, "local_hostnames": allowed_hosts(allow_hosts),
                                   # an uploaded CSV is one message: the Import tab refuses a too large one
                                   "websocket_max_message_size": UPLOAD_MESSAGE_BYTES},
    }


def plan(app: App, *, port: int = DEFAULT_PORT, user: str | None = None, now=None, token: bool = False,
         demo_contacts: int = DEMO_CONTACTS, max_kernels: int = DEFAULT_MAX_KERNELS, allow_hosts=(),
         preheat: int = DEFAULT_PREHEAT, say=print) -> ServePlan:
    """Prepare the store and build the Voila command, without starting it."""
    if not 0 < port < 65536:
        raise ValidationError(f"bad port {port} (1-65535)")
    settings = voila_settings(max_kernels=max_kernels, allow_hosts=allow_hosts, preheat=preheat)
    require_kernel()  # before creating data or announcing a URL: no kernel, no dashboard
    demo = ensure_data(app, demo_contacts, say=say)
    name = resolve_user(app, user)
    env = dict(os.environ)
    env[ENV_URL] = absolute_db_url(app.ctx.engine.url)
    env[ENV_USER] = name
    parsed_now = parse_now(now)
    if parsed_now is not None:
        env[ENV_NOW] = parsed_now.isoformat()
    else:
        env.pop(ENV_NOW, None)
    env["JUPYTER_PATH"] = os.pathsep.join([str(TEMPLATES_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    env.pop("JUPYTER_TOKEN", None)
    env.pop("JUPYTER_TOKEN_FILE", None)
    # Voila plus the route of plotly's widget bundle (voila_server.py)
    argv = [sys.executable, "-m", "mcwidgets.voila_server", str(NOTEBOOK), f"--port={port}", *voila_flags(settings)]
    url = f"http://{HOST}:{port}/"
    if token:
        secret = secrets.token_urlsafe(24)
        env["JUPYTER_TOKEN"] = secret  # read by Voila's identity provider; not on the command line
        argv.append("--Voila.auto_token=True")
        url += f"?token={secret}"
    shown = make_url(env[ENV_URL]).render_as_string(hide_password=True)
    return ServePlan(argv=argv, env=env, url=url, user=name, db_url_shown=shown, demo=demo)


def wait_for_http(host: str, port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> bool:
    """True once something accepts connections on host:port (False on timeout or if proc ends)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def run(p: ServePlan, *, port: int, open_browser: bool = True, say=print) -> int:
    """Start Voila, open the browser when it answers, and wait.

    Ctrl-C and SIGTERM are passed on to Voila as SIGTERM (its clean stop: it shuts
    its kernels down and exits); its exit status is returned.
    """
    say(f"mcwidgets: dashboard for {p.user} on {p.db_url_shown}")
    say(f"mcwidgets: open {p.url}  (Ctrl-C stops the server)")
    sys.stdout.flush()
    proc = subprocess.Popen(p.argv, env=p.env)

    def forward(signum, frame):
        if proc.returncode is None:
            try:
                proc.send_signal(signal.SIGTERM)
            except OSError:
                pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if open_browser:
            def opener():
                if wait_for_http(HOST, port, proc=proc):
                    webbrowser.open(p.url)
            threading.Thread(target=opener, daemon=True).start()
        code = proc.wait()
        return 128 - code if code < 0 else code
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:  # only if something above failed
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
