"""The wizard's review says it is working while the forecast runs (seconds at ten million
contacts), and the line is gone once the figures show."""

from mcwidgets.app import App
from mcwidgets.widgets.wizard import MarketingContactsWizard
from tests.services.helpers import make_contact


def test_the_review_shows_progress_while_the_forecast_runs(ctx):
    app = App(ctx, "admin")
    make_contact(ctx, "marketing", 1, hard_bounced=True)
    w = MarketingContactsWizard(app, debounce=0)
    seen = []
    forecast = app.forecast

    def watched(*a, **kw):
        seen.append(w.progress.value)
        return forecast(*a, **kw)

    app.forecast = watched
    w.info_next.click()
    w.unengaged_next.click()
    w.filters_skip.click()
    assert len(seen) == 1 and "Working out what this would do" in seen[0]
    assert w.progress.value == "" and w.forecast is not None and w.forecast.selected == 1
