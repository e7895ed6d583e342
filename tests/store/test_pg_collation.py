"""Text filters fold A-Z only on PostgreSQL whatever the database's collation.

The test server's databases use the C locale, where lower() folds A-Z only anyway;
this test makes a UTF-8 database with a language-aware ctype, where plain lower()
would also fold "É", and checks the filters still agree with ``ascii_fold``.
"""

import pytest
from sqlalchemy import create_engine, text

from mcwidgets.app import App

pytestmark = pytest.mark.postgres


@pytest.fixture
def utf8_url(pg_url):
    base, name = pg_url.rsplit("/", 1)
    target = f"{name}_utf8"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"""CREATE DATABASE "{target}" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"""))
    yield f"{base}/{target}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
    admin.dispose()


def eq(prop, value):
    return {"filterGroups": [{"filters": [{"propertyName": prop, "operator": "EQ", "value": value}]}]}


def test_text_filters_fold_ascii_only_under_a_utf8_collation(utf8_url):
    app = App.open(utf8_url, now="2026-11-26T12:00:00+00:00", user="admin")
    app.add_user("admin", admin=True)
    with app.ctx.read() as s:  # plain lower() folds É here: the case this test is about
        assert s.execute(text("SELECT lower('ÉCOLE')")).scalar() == "école"
    app.create_contact("a@example.com", first_name="ÉCOLE")
    app.create_contact("b@example.com", first_name="École")
    assert app.count(eq("first_name", "école")) == 0  # É is not A-Z: no fold
    assert app.count(eq("first_name", "éCOLE")) == 0
    assert app.count(eq("first_name", "École")) == 2  # "ÉCOLE" folds to "École" too
    app.close()
