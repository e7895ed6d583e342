"""pytest runs the example notebooks here with nbval (``--nbval-lax``, see pyproject.toml).

``dashboard.ipynb`` is the page Voila serves: it reads the database URL and the user
from environment variables set by ``mcwidgets serve``, so it is not run as a test
(the browser tests in ``tests/e2e`` cover it).
"""

collect_ignore = ["dashboard.ipynb"]
