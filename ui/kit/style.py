"""App-wide style rules that make Streamlit's own elements pass WCAG 2.2 AA (README, "Accessibility").

Each rule names what axe-core or a contrast measurement found without it. The rules read no theme:
Streamlit does not say in the page which theme is on, so each one holds in the light and the dark.
"""

from __future__ import annotations

import streamlit as st

# The light theme's accent, Okabe-Ito blue: white text on it reads at 5.1:1.
BUTTON_BLUE = "#0072B2"
BUTTON_BLUE_HOVER = "#005A8C"  # 7.2:1 under white text

APP_STYLE = f"""<style>
/* st.caption: Streamlit draws it at 60 % opacity, 3.9:1 on white (AA asks 4.5:1); at 75 % it is
   still quieter than body text and reads at 5.9:1 on white, 10:1 on the dark theme. */
[data-testid="stCaptionContainer"] {{ opacity: 0.75; }}
/* Primary buttons draw white text on the accent: the dark theme's lighter accent (#56B4E9) gives
   2.3:1, so both themes fill them with the light theme's blue. */
[data-testid="stBaseButton-primary"]:not(:disabled) {{
  background-color: {BUTTON_BLUE}; border-color: {BUTTON_BLUE}; color: #FFFFFF;
}}
[data-testid="stBaseButton-primary"]:not(:disabled):hover,
[data-testid="stBaseButton-primary"]:not(:disabled):active {{
  background-color: {BUTTON_BLUE_HOVER}; border-color: {BUTTON_BLUE_HOVER}; color: #FFFFFF;
}}
/* Chart axes and legends: Streamlit's grey #808495 reads at 3.7:1 on white. The page's own text
   colour, a little lighter, reads at 5.9:1 or more in both themes. */
[data-testid="stVegaLiteChart"] :is(.role-axis-label, .role-axis-title, .role-legend-label,
  .role-legend-title) text {{ fill: currentColor; fill-opacity: 0.8; }}
/* A stacked KaTeX formula (aligned lines, a fraction) reaches 2 px past its box (KaTeX's vlist
   ends in a -2 px margin), which makes every display formula a scroll box that a keyboard cannot
   reach. Room for those 2 px ends the overflow; a formula wider than the screen still scrolls. */
.katex-display > .katex {{ padding-right: 2px; }}
/* Focus rings (WCAG 2.4.7): Streamlit draws none on the sidebar's page links, on the main area
   (which Tab reaches, as a scrolling region), on a table's or chart's toolbar buttons, on a
   table's grid (also while one of its cells, kept inside the canvas for screen readers, has the
   focus) and on a text or number field (whose frame only turns the accent colour). An
   outline in the accent marks them, inside the element so nothing clips it. */
[data-testid="stSidebarNavLink"]:focus-visible,
[data-testid="stMain"]:focus-visible,
[data-testid="stElementToolbar"] button:focus-visible,
[data-testid="stDataFrame"] canvas:focus-visible,
[data-testid="stDataFrame"] canvas:focus-within,
[data-testid="stAppViewContainer"] input:not([type="range"]):not([type="radio"]):not([type="checkbox"]):focus-visible,
[data-testid="stAppViewContainer"] textarea:focus-visible {{
  outline: 2px solid {BUTTON_BLUE}; outline-offset: -2px;
}}
/* A table's toolbar stays transparent while one of its buttons has the keyboard's focus (only the
   button's tooltip shows): it shows. A radio's input is hidden inside its label: the label gets
   the ring (Streamlit only tints it). */
[data-testid="stElementToolbar"]:focus-within {{ opacity: 1; }}
/* A chart's toolbar (data, download, full screen) shows on hover in the 44 px above the chart, over
   whatever is there: the lab's view buttons, a lesson's answer options. It sits inside the chart's
   own top right corner instead, where the charts keep their title on the left. */
[data-testid="stFullScreenFrame"]:has([data-testid="stVegaLiteChart"]) [data-testid="stElementToolbar"] {{ top: 0; }}
[data-testid="stRadio"] label:has(input:focus-visible) {{
  outline: 2px solid {BUTTON_BLUE}; outline-offset: 2px; border-radius: 4px;
}}
</style>"""


def apply() -> None:
    """Add the app-wide rules to this run's page (the entry script calls it before every page)."""
    st.html(APP_STYLE)
