"""Keep plotly charts sized to their container.

Voila renders the page while it is still hidden, and an ``ipywidgets.Tab`` hides
the panels that are not selected: a plotly chart drawn then gets plotly's default
width (700 px) and keeps it. ``ResizeNudge`` is a tiny, invisible anywidget put
next to a chart: it watches its own box with a ``ResizeObserver`` and, whenever
that box changes size (page shown, tab shown, window resized), fires a window
``resize`` event, on which plotly charts created with ``{"responsive": true}``
resize to their container. Python can ask for the same with :meth:`nudge`.
No CDN, no network: the ES module travels in the widget state.
"""

from __future__ import annotations

import anywidget
import traitlets

_ESM = r"""
function render({ model, el }) {
  el.classList.add("mcw-resize-nudge");
  el.style.width = "100%";
  el.style.height = "0";
  el.style.overflow = "hidden";
  let pending = false;
  let lastWidth = -1;
  const fire = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      window.dispatchEvent(new Event("resize"));
    });
  };
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const w = Math.round(entry.contentRect.width);
      if (w > 0 && w !== lastWidth) {
        lastWidth = w;
        fire();
      }
    }
  });
  observer.observe(el);
  const onNudge = () => fire();
  model.on("change:nudges", onNudge);
  return () => {
    observer.disconnect();
    model.off("change:nudges", onNudge);
  };
}
export default { render };
"""


class ResizeNudge(anywidget.AnyWidget):
    _esm = _ESM
    nudges = traitlets.Int(0).tag(sync=True)

    def nudge(self) -> None:
        """Ask the browser to resize the charts now (e.g. when their tab is shown)."""
        self.nudges += 1
