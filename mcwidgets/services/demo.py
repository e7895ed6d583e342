"""Demo data: a realistic, reproducible contact database of any size.

``build_demo`` replaces every contact (with its audit trail, actions and usage
snapshots) by ``contacts`` generated ones, deterministic for (contacts, seed, now):
vectorised with numpy, so a million contacts take seconds, and loaded with the bulk
loader rather than the ORM.

Safe by default: a database that is empty or holds only demo data is (re)filled
without asking, but one that holds anything else (contacts from an import, a form or
a user, actions on contacts other than the demo's own, static list members) is
refused with a one-line error and left as it was, unless ``replace_all_data`` is
given by an admin (or the local operator, a system actor). An unknown user is
refused in any case. Settings changes (users, permissions, defaults, account) are not
demo data but a refill keeps them, with the users and the account they describe.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from ..domain import tiers
from ..domain.actors import Actor, ActorKind, Role
from ..domain.contacts import LifecycleStage, Source
from ..domain.errors import Conflict, ValidationError
from ..domain.status import Status
from ..store import queries
from ..store.bulk import Progress, clear_demo_data, load_contacts
from ..store.models import Action, Contact, ListMember, UsageSnapshot, User
from .account import ensure_account
from .context import Context
from .permissions import acting_user, require_admin
from .settings_audit import SETTINGS_KINDS

DEMO_KIND = "demo"
REPLACE_OPTION = "--replace-all-data"

FIRST_NAMES = (
    # Dutch / Flemish
    "Daan", "Sem", "Lotte", "Emma", "Sanne", "Thijs", "Bram", "Fleur", "Joost", "Anouk", "Wout", "Eline",
    # German
    "Lukas", "Lena", "Felix", "Jonas", "Mia", "Jürgen", "Katrin",
    # English
    "Oliver", "Amelia", "Harry", "George", "Olivia", "James", "Emily", "Michael", "Ashley", "Daniel",
    # French
    "Léa", "Chloé", "Hugo", "Louis", "Camille", "Théo",
    # Spanish / Portuguese / Italian
    "Sofía", "José", "Lucía", "Mateo", "João", "Gabriela", "Giulia", "Marco", "Francesca",
    # Nordic / Polish
    "Erik", "Astrid", "Sven", "Ingrid", "Jakub", "Zofia",
    # Asian / other
    "Yuki", "Haruto", "Sakura", "Priya", "Arjun", "Ananya", "Wei", "Fatima", "Omar", "Aisha", "Kwame",
)

LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "van Dijk",
    "Peeters", "Janssens", "Maes", "Claes",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner",
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Taylor", "Wilson", "Evans",
    "O'Neill", "Murphy",
    "Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau",
    "Rossi", "Russo", "Ferrari", "González", "Rodríguez", "Fernández", "López", "Silva", "Santos",
    "Kowalski", "Nowak", "Wiśniewski", "Andersson", "Johansson", "Nilsson",
    "Sato", "Suzuki", "Takahashi", "Sharma", "Patel", "Singh", "Kim", "Nguyen", "Okafor",
)

# (company, domain): fictional companies.
COMPANIES = (
    ("Noordzee Logistics", "noordzee-logistics.nl"), ("Brabant Bakkerijen", "brabantbakkerijen.nl"),
    ("Grachtenhuis Media", "grachtenhuis.nl"), ("Tulp & Co", "tulpenco.nl"),
    ("Delta Waterwerken", "deltawater.nl"), ("Rijnmond Robotics", "rijnmond-robotics.nl"),
    ("Schelde Shipping", "schelde-shipping.be"), ("Brussels Data Works", "bxldataworks.be"),
    ("Gentse Gaming", "gentsegaming.be"), ("Antwerp Diamond Tools", "adtools.be"),
    ("Bergmann Maschinenbau", "bergmann-maschinenbau.de"), ("Isar Software", "isar-software.de"),
    ("Rheinland Solar", "rheinland-solar.de"), ("Hansa Versand", "hansaversand.de"),
    ("Acme Widgets", "acmewidgets.com"), ("Blue Harbor Analytics", "blueharbor.io"),
    ("Granite Peak Capital", "granitepeak.com"), ("Lakeside Health", "lakesidehealth.com"),
    ("Redwood Labs", "redwoodlabs.io"), ("Sunbelt Energy", "sunbeltenergy.com"),
    ("Thames Valley Consulting", "thamesvalley.co.uk"), ("Highland Outdoor", "highlandoutdoor.co.uk"),
    ("Camden Creative", "camdencreative.co.uk"), ("Lumière Cosmétiques", "lumiere-cosmetiques.fr"),
    ("Provence Vins", "provencevins.fr"), ("Atelier Dupont", "atelierdupont.fr"),
    ("Iberia Turismo", "iberiaturismo.es"), ("Tessuti Milano", "tessutimilano.it"),
    ("Vistula Tech", "vistulatech.pl"), ("Nordljus Design", "nordljus.se"),
    ("Fjord Fisheries", "fjordfisheries.no"), ("Københavns Cykler", "kbhcykler.dk"),
    ("Alpen Uhren", "alpenuhren.ch"), ("Donau Reisen", "donaureisen.at"),
    ("Maple Leaf Foods Co", "mapleleaffoodsco.ca"), ("Southern Cross Surf", "southerncrosssurf.com.au"),
    ("Sakura Electronics", "sakura-electronics.jp"), ("Bengaluru Cloud", "bengalurucloud.in"),
    ("Rio Verde Café", "rioverdecafe.com.br"), ("Celtic Knot Games", "celticknot.ie"),
)

FREE_MAIL_DOMAINS = ("gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com",
                     "ziggo.nl", "telenet.be", "web.de", "orange.fr", "proton.me")

COUNTRIES = (
    ("Netherlands", 22), ("Belgium", 10), ("Germany", 12), ("United States", 14),
    ("United Kingdom", 10), ("France", 7), ("Spain", 4), ("Italy", 3), ("Poland", 2),
    ("Sweden", 2), ("Norway", 1), ("Denmark", 1.5), ("Switzerland", 1.5), ("Austria", 1.5),
    ("Ireland", 1.5), ("Canada", 2), ("Australia", 1.5), ("Japan", 1), ("India", 2), ("Brazil", 1.5),
)

LIFECYCLE_WEIGHTS = {
    LifecycleStage.SUBSCRIBER: 34, LifecycleStage.LEAD: 26, LifecycleStage.MQL: 12,
    LifecycleStage.SQL: 7, LifecycleStage.OPPORTUNITY: 6, LifecycleStage.CUSTOMER: 10,
    LifecycleStage.EVANGELIST: 2, LifecycleStage.OTHER: 3,
}

SOURCE_WEIGHTS = {
    Source.FORMS: 45, Source.IMPORT: 15, Source.INTEGRATIONS: 10, Source.MANUAL: 8,
    Source.CHATFLOWS: 7, Source.ADS: 6, Source.MEETINGS: 5, Source.SALES_EMAIL_EXTENSION: 4,
}

# Probability of being a marketing contact by source: forms mostly, ads half, the rest
# about a quarter; overall about 55 %.
MARKETING_BY_SOURCE = {Source.FORMS: 0.85, Source.ADS: 0.5}
MARKETING_OTHER = 0.28
PENDING_SHARE = 0.08  # of marketing contacts
HARD_BOUNCED = 0.04
UNSUBSCRIBED = 0.065  # with hard bounces, about 10 % unengaged (a few both)
PERSONAL_EMAIL = 0.15  # free-mail address, no company
NO_COUNTRY = 0.03
NO_ACTIVITY = 0.12
HISTORY_YEARS = 3
SNAPSHOT_DAYS = 90

# A few contacts whose fields hold markup and quotes, so escaping is exercised.
TRICKY = (
    ("<b>Zoë</b>", "Müller", "Smith & Sons <Ltd>"),
    ("Seán", "O'Brien & \"Sons\"", "O'Brien & \"Sons\""),
    ("<script>alert(\"x\")</script>", "Test", None),
    ("Chloé", "D'Artagnan", "\"Quoted\" Company & Co"),
    ("Ünal", "<i>Yılmaz</i>", "<img src=x onerror=alert(1)>"),
)

DEMO_USERS = (("admin", Role.ADMIN, True), ("alice", Role.USER, True), ("bob", Role.USER, False))


@dataclass(frozen=True)
class DemoResult:
    contacts: int
    marketing: int
    pending: int
    non_marketing: int
    seconds: float


def slug(text: str) -> str:
    """ASCII, lowercase, letters and digits only: for email local parts."""
    text = re.sub(r"<[^>]*>", "", text)
    text = unicodedata.normalize("NFKD", text).replace("ı", "i")
    return re.sub(r"[^a-z0-9]", "", text.encode("ascii", "ignore").decode().lower())


def _obj(values) -> np.ndarray:
    values = list(values)
    a = np.empty(len(values), dtype=object)
    a[:] = values
    return a


def _weighted(rng: np.random.Generator, n: int, weights: dict | tuple) -> np.ndarray:
    items = list(weights.items()) if isinstance(weights, dict) else list(weights)
    labels = _obj(k.value if hasattr(k, "value") else k for k, _ in items)
    p = np.array([w for _, w in items], dtype=float)
    return labels[rng.choice(len(items), size=n, p=p / p.sum())]


def demo_frame(contacts: int, seed: int, now: datetime) -> pd.DataFrame:
    """The demo contacts as a frame of Contact columns (no id), deterministic for the arguments."""
    if contacts < 0:
        raise ValidationError("the number of demo contacts cannot be negative")
    n = int(contacts)
    rng = np.random.default_rng(seed)

    first_names, last_names = _obj(FIRST_NAMES), _obj(LAST_NAMES)
    first_slugs, last_slugs = _obj(map(slug, FIRST_NAMES)), _obj(map(slug, LAST_NAMES))
    company_names, company_domains = _obj(c for c, _ in COMPANIES), _obj(d for _, d in COMPANIES)
    free_domains = _obj(FREE_MAIL_DOMAINS)

    fi = rng.integers(0, len(FIRST_NAMES), n)
    li = rng.integers(0, len(LAST_NAMES), n)
    ci = rng.integers(0, len(COMPANIES), n)
    personal = rng.random(n) < PERSONAL_EMAIL
    mi = rng.integers(0, len(FREE_MAIL_DOMAINS), n)

    first, last = first_names[fi], last_names[li]
    company = np.where(personal, None, company_names[ci])
    domain = np.where(personal, free_domains[mi], company_domains[ci])
    numbers = np.arange(1, n + 1).astype(str).astype(object)
    email = first_slugs[fi] + "." + last_slugs[li] + "." + numbers + "@" + domain

    country = _weighted(rng, n, COUNTRIES)
    country[rng.random(n) < NO_COUNTRY] = None
    stage = _weighted(rng, n, LIFECYCLE_WEIGHTS)
    source = _weighted(rng, n, SOURCE_WEIGHTS)

    # Created over the last three years, more of them recently (a growing database).
    now64 = np.datetime64(now.replace(tzinfo=None, microsecond=0), "s")
    span = HISTORY_YEARS * 365 * 86_400
    age = (span * rng.random(n) ** 1.6).astype(np.int64) + 60
    created = now64 - age.astype("timedelta64[s]")
    since_created = (age * rng.random(n)).astype(np.int64)
    activity = (created + since_created.astype("timedelta64[s]")).astype("datetime64[s]")
    activity[rng.random(n) < NO_ACTIVITY] = np.datetime64("NaT")

    hard_bounced = rng.random(n) < HARD_BOUNCED
    unsubscribed = rng.random(n) < UNSUBSCRIBED

    p_marketing = np.full(n, MARKETING_OTHER)
    for src, p in MARKETING_BY_SOURCE.items():
        p_marketing[source == src.value] = p
    marketing = rng.random(n) < p_marketing
    pending = marketing & (rng.random(n) < PENDING_SHARE)
    status = np.where(marketing, Status.MARKETING.value, Status.NON_MARKETING.value).astype(object)

    # The tricky names, spread over the table.
    for (f, l, c), i in zip(TRICKY, sorted({0, n // 4, n // 2, (3 * n) // 4, n - 1}) if n else ()):
        first[i], last[i], company[i] = f, l, c
        email[i] = f"{slug(f)}.{slug(l)}.{i + 1}@{domain[i]}"

    return pd.DataFrame({
        "email": pd.Series(email, dtype=object),
        "first_name": pd.Series(first, dtype=object),
        "last_name": pd.Series(last, dtype=object),
        "company": pd.Series(company, dtype=object),
        "country": pd.Series(country, dtype=object),
        "lifecycle_stage": pd.Series(stage, dtype=object),
        "source": pd.Series(source, dtype=object),
        "created_at": pd.Series(created.astype("datetime64[us]")),
        "last_activity_at": pd.Series(activity.astype("datetime64[us]")),
        "hard_bounced": hard_bounced,
        "unsubscribed": unsubscribed,
        "marketing_status": pd.Series(status, dtype=object),
        "pending_non_marketing": pending,
    })


def data_beyond_demo(session) -> str | None:
    """What the store holds besides demo data, as words ("2,001 contacts, 3 actions"),
    or None when it is empty or holds only demo data (and settings changes).

    Demo data: the contacts the last demo loaded, its action, and nothing that changed
    them since. Actions that selected and changed nothing (a rollover of an empty
    store) are not data.
    """
    contacts = session.scalar(select(func.count()).select_from(Contact)) or 0
    demo_loaded = session.scalar(select(func.coalesce(func.sum(Action.changed), 0))
                                 .where(Action.kind == DEMO_KIND)) or 0
    actions = session.scalar(
        select(func.count()).select_from(Action)
        .where(Action.kind.not_in(sorted(SETTINGS_KINDS | {DEMO_KIND})))
        .where((Action.matched > 0) | (Action.changed > 0))) or 0
    members = session.scalar(select(func.count()).select_from(ListMember)) or 0
    parts = []
    if contacts != demo_loaded or actions:
        parts.append(f"{contacts:,} contact{'' if contacts == 1 else 's'}")
    if actions:
        parts.append(f"{actions:,} action{'' if actions == 1 else 's'} on contacts")
    if members:
        parts.append(f"{members:,} static list member{'' if members == 1 else 's'}")
    return ", ".join(parts) or None


def check_demo_allowed(session, actor: Actor | None, replace_all_data: bool) -> None:
    """Refuse, changing nothing, unless the store may be (re)filled with demo data by ``actor``."""
    has_users = (session.scalar(select(func.count()).select_from(User)) or 0) > 0
    if actor is not None and actor.kind is ActorKind.USER and has_users:
        acting_user(session, actor)  # an unknown user: NotFound
    beyond = data_beyond_demo(session)
    if beyond is None:
        return
    if not replace_all_data:
        raise Conflict(f"demo refused: the database holds data that is not demo data ({beyond}) and demo "
                       f"would replace all of it; nothing was changed (an admin may pass {REPLACE_OPTION})")
    require_admin(session, actor or Actor(ActorKind.SYSTEM, "demo"), "replace all the data with demo data")


def build_demo(ctx: Context, contacts: int = 10_000, seed: int = 42,
               progress: Progress | None = None, *, actor: Actor | None = None,
               replace_all_data: bool = False) -> DemoResult:
    """Replace all contacts by ``contacts`` demo contacts (and their history).

    Refused (nothing changes) when the store holds more than demo data, unless
    ``replace_all_data`` is given by an admin or a system actor (``actor`` None is the
    local operator); see the module docstring.

    Three steps: clear the old contacts, actions, audit events and snapshots; bulk
    load the new contacts; then record the demo action, demo users (when there are
    none), a tier that fits, and 90 days of usage snapshots ending at the real counts.
    """
    started = time.perf_counter()
    now = ctx.now()
    frame = demo_frame(contacts, seed, now)

    with ctx.write() as session:
        ensure_account(session, now)
        check_demo_allowed(session, actor, replace_all_data)
        clear_demo_data(session, keep_action_kinds=SETTINGS_KINDS)

    loaded = load_contacts(ctx.engine, frame, progress=progress)
    del frame

    with ctx.write() as session:
        account = ensure_account(session, now)
        if (session.scalar(select(func.count()).select_from(User)) or 0) == 0:
            for name, role, can_edit in DEMO_USERS:
                session.add(User(name=name, role=role.value, can_edit_marketing=can_edit, created_at=now))
        counts = queries.status_counts(session)
        fitting = tiers.steps_for(account.edition, account.tier_steps).tiers_fitting(counts.marketing)
        if fitting > account.tier:
            account.tier = fitting
        session.add(Action(kind=DEMO_KIND, actor_kind=ActorKind.SYSTEM.value, actor_name="demo", at=now,
                           description=f"Demo data: {loaded:,} contacts (seed {seed})",
                           matched=loaded, changed=loaded, details={"contacts": loaded, "seed": seed}))
        session.add_all(_history(counts, account.tier, now, seed))

    return DemoResult(contacts=loaded, marketing=counts.marketing, pending=counts.pending,
                      non_marketing=counts.non_marketing, seconds=round(time.perf_counter() - started, 3))


def _history(counts: queries.Counts, tier: int, now: datetime, seed: int) -> list[UsageSnapshot]:
    """Daily snapshots for the last 90 days: a gently rising count ending at ``counts`` now."""
    rng = np.random.default_rng([seed, SNAPSHOT_DAYS])
    days = np.arange(SNAPSHOT_DAYS - 1, -1, -1)  # 89 days ago ... today
    ago = days / max(SNAPSHOT_DAYS - 1, 1)
    noise = 1 + rng.normal(0, 0.003, SNAPSHOT_DAYS)
    noise[-1] = 1.0
    marketing = np.rint(counts.marketing * (1 - 0.12 * ago) * noise).astype(int)
    pending = np.rint(counts.pending * (1 - 0.2 * ago) * noise).astype(int)
    non_marketing = np.rint(counts.non_marketing * (1 - 0.08 * ago) * noise).astype(int)
    rows = []
    for d, m, p, nm in zip(days, marketing, np.minimum(pending, marketing), non_marketing):
        m, p, nm = int(m), int(p), int(nm)
        rows.append(UsageSnapshot(taken_at=now - timedelta(days=int(d)), marketing=m, pending=p,
                                  non_marketing=nm, total=m + nm, tier=tier, reason="demo"))
    return rows
