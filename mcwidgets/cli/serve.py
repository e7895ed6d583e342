"""``mcwidgets serve``: open the dashboard (Voila) on 127.0.0.1."""

from __future__ import annotations

import json
import sys

from ..app import App
from .args import count_arg


def add_serve(sub, as_user) -> None:
    sv = sub.add_parser("serve", parents=[as_user], help="open the dashboard (Voila) on 127.0.0.1")
    sv.add_argument("--port", type=int, default=8866, metavar="PORT", help="default 8866")
    sv.add_argument("--token", action="store_true", help="require a random access token in the URL")
    sv.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    sv.add_argument("--demo-contacts", type=count_arg, default=20_000, metavar="N",
                    help="contacts of the demo database created when the database is empty (0: none)")
    sv.add_argument("--dry-run", action="store_true", help="prepare the database, print the Voila command, stop")
    sv.add_argument("--allow-host", dest="allow_hosts", action="append", default=[], metavar="NAME",
                    help="also accept this host name in requests (e.g. behind a reverse proxy); repeatable. "
                    "By default only 127.0.0.1 and localhost are accepted")
    sv.add_argument("--max-kernels", type=count_arg, default=4, metavar="N",
                    help="at most N dashboard pages (kernels) open at once (default 4)")
    sv.add_argument("--preheat", type=count_arg, default=None, metavar="N",
                    help="keep N kernels that have already built the dashboard ready for the next pages "
                    "(they count against --max-kernels; default 1, 0: off)")
    sv.set_defaults(handler=cmd_serve)


def cmd_serve(app: App, args) -> int:
    from .. import serve

    def say(text: str) -> None:  # notes on stderr: with --dry-run, stdout is JSON
        print(text, file=sys.stderr)

    p = serve.plan(app, port=args.port, user=args.as_user, now=args.now, token=args.token,
                   demo_contacts=args.demo_contacts, max_kernels=args.max_kernels,
                   allow_hosts=args.allow_hosts, say=say,
                   preheat=serve.DEFAULT_PREHEAT if args.preheat is None else args.preheat)
    if p.demo is not None:
        say(f"demo database ready: {p.demo.contacts:,} contacts")
    if args.dry_run:
        print(json.dumps({"argv": p.argv, "url": p.url, "user": p.user, "database": p.db_url_shown,
                          "env": {k: p.env[k] for k in ("MCWIDGETS_USER", "MCWIDGETS_NOW") if k in p.env}},
                         indent=2))
        return 0
    app.close()  # the dashboard's kernel opens its own connection
    return serve.run(p, port=args.port, open_browser=not args.no_browser)
