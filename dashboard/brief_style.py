"""The brief's stylesheet, inlined into the page: one A4-friendly column, no web fonts."""

from __future__ import annotations

CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2328;
  font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Noto Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
.muted { color: #656d76; }
.notice { background: #fff8c5; border: 1px solid #d4a72c; padding: 10px 14px; border-radius: 6px; }
.kpis { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin: 18px 0; }
.kpi { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 14px; }
.kpi .label { color: #656d76; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 26px; font-weight: 600; }
.kpi .delta { font-size: 13px; min-height: 1.2em; }
.up { color: #1a7f37; font-weight: 600; }
.down { color: #cf222e; font-weight: 600; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
figure { margin: 0; }
img { max-width: 100%; height: auto; }
.split { display: grid; grid-template-columns: 3fr 2fr; gap: 16px; align-items: start; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2;
  vertical-align: top; }
td.num, th:not(:first-child) { text-align: right; }
ol.spikes > li { margin-bottom: 12px; }
li.post { margin: 6px 0; }
li.post q { quotes: "“" "”"; overflow-wrap: anywhere; }
a { color: #0969da; }
footer { margin-top: 32px; font-size: 12px; }
@page { size: A4; margin: 12mm; }
@media print { body { background: #fff; } main { padding: 0; max-width: none; }
  .charts { grid-template-columns: 1fr 1fr; } section { break-inside: avoid-page; } }
"""

# A phone's narrow screen: its own block, which the PDF renderer (media types only) is
# not given.
NARROW_CSS = """
@media screen and (max-width: 720px) { .kpis { grid-template-columns: 1fr 1fr; }
  .charts, .split { grid-template-columns: 1fr; } }
"""
