"""The dashboard's look: one stylesheet, shipped inline (no CDN, no icon fonts).

Panels put :func:`style` once at their top; the same ``<style>`` twice is harmless.
Other panels may append their rules to ``CSS``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

CSS = """
.mcw-root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
            color: #111827; }
.mcw-header { display: flex; align-items: baseline; justify-content: space-between; flex-wrap: wrap;
              gap: 8px; padding: 10px 4px 12px 4px; border-bottom: 1px solid #e5e7eb; margin-bottom: 8px; }
.mcw-header .mcw-account-name { font-size: 20px; font-weight: 650; }
.mcw-header .mcw-subtitle { color: #6b7280; font-size: 13px; margin-left: 8px; }
.mcw-header .mcw-who { font-size: 13px; color: #374151; }
.mcw-header .mcw-role { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #eef2ff;
                        color: #3730a3; font-size: 12px; margin-left: 4px; }
.mcw-cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 6px 0 10px 0; }
.mcw-card { flex: 1 1 170px; min-width: 170px; border: 1px solid #e5e7eb; border-radius: 8px;
            padding: 10px 14px; background: #ffffff; box-shadow: 0 1px 2px rgba(0,0,0,0.04); }
.mcw-card .widget-html-content { line-height: 1.35; }
.mcw-alerts .widget-html-content { line-height: 1.4; }
.mcw-card .mcw-label { font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; color: #6b7280; }
.mcw-card .mcw-value { font-size: 26px; font-weight: 650; line-height: 1.25; font-variant-numeric: tabular-nums; }
.mcw-card .mcw-note { font-size: 12px; color: #4b5563; min-height: 1.3em; }
.mcw-count-pending .mcw-value { color: #b45309; }
.mcw-bar { height: 6px; background: #e5e7eb; border-radius: 3px; margin-top: 6px; overflow: hidden; }
.mcw-bar > div { height: 100%; background: #2563eb; }
.mcw-bar.mcw-level-75 > div { background: #ca8a04; }
.mcw-bar.mcw-level-90 > div { background: #ea580c; }
.mcw-bar.mcw-level-98 > div, .mcw-bar.mcw-level-exceeded > div { background: #dc2626; }
.mcw-alert { border-radius: 8px; padding: 8px 12px; font-size: 14px; border: 1px solid transparent; }
.mcw-alert-none { background: #f0fdf4; border-color: #bbf7d0; color: #166534; }
.mcw-alert-75 { background: #fefce8; border-color: #fde68a; color: #854d0e; }
.mcw-alert-90 { background: #fff7ed; border-color: #fdba74; color: #9a3412; }
.mcw-alert-98 { background: #fef2f2; border-color: #fca5a5; color: #991b1b; }
.mcw-alert-exceeded { background: #7f1d1d; border-color: #7f1d1d; color: #ffffff; }
.mcw-alert strong { font-weight: 650; }
.mcw-error { background: #fef2f2; border: 1px solid #fca5a5; color: #991b1b; border-radius: 8px; padding: 8px 12px; }
.mcw-placeholder { color: #6b7280; padding: 24px 8px; font-size: 14px; }
.mcw-chart { width: 100%; }
/* Tab titles as wide as their text: "Manage marketing contacts" is not cut. */
.mcw-root .mcw-tabs.widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto; max-width: none; min-width: 90px;
                                                             padding: 0 14px; }
.mcw-root .mcw-tabs.widget-tab > .lm-TabBar .lm-TabBar-tabLabel { overflow: visible; text-overflow: clip; }
"""


def style() -> widgets.HTML:
    """The stylesheet as an (invisible) HTML widget."""
    w = widgets.HTML(f"<style>{CSS}</style>", layout=widgets.Layout(height="0px", margin="0"))
    w.add_class("mcw-style")
    return w


def esc(value) -> str:
    """Text from the store (names, editions, messages) made safe for an HTML widget."""
    return html.escape("" if value is None else str(value), quote=True)


def error_html(message: str) -> str:
    return f'<div class="mcw-error" role="alert">{esc(message)}</div>'
