"""Helpers for AppTest page tests: start the app, switch pages, read charts and text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")

# A number token that is really a non-finite float leaking onto the screen.
NON_FINITE = re.compile(r"(?<![A-Za-z])(nan|-?inf|infinity)(?![A-Za-z])", re.IGNORECASE)


def open_page(page: str | None = None, query: dict | None = None, timeout: float = 30) -> AppTest:
    """Run the app from its entry script, opening ``page`` (e.g. 'app_pages/statland.py') in the first
    run, as a link to the page does (without one, Home)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(page)
    at.run()
    return at


def all_text(at: AppTest) -> str:
    """Every piece of text the page shows: markdown, metrics, alerts, captions, tables."""
    parts = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "info",
        "success",
        "warning",
        "error",
        "text",
        "latex",
        "code",
    ):
        parts += [str(element.value) for element in at.get(kind)]
    for metric in at.metric:
        parts += [str(metric.label), str(metric.value)]
    for frame in [*at.dataframe, *at.table]:
        parts.append(frame.value.to_string())
    for chart in at.get("graphviz_chart"):
        parts.append(chart.proto.spec)
    return "\n".join(parts)


def metric(at: AppTest, label: str) -> str:
    """The value the metric labelled ``label`` shows."""
    return next(m for m in at.metric if m.label == label).value


def assert_clean(at: AppTest) -> None:
    """No exception on the page and no 'nan' / 'inf' in anything it shows."""
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    match = NON_FINITE.search(text)
    assert match is None, f"non-finite number on screen: ...{text[max(0, match.start() - 80) : match.end() + 80]}..."


def vega_charts(at: AppTest) -> list:
    """Every Altair / Vega-Lite chart on the page, in order."""
    return list(at.get("arrow_vega_lite_chart")) or list(at.get("vega_lite_chart"))


def chart_data(at: AppTest, index: int = 0) -> list[pd.DataFrame]:
    """The data sets of the ``index``-th Altair chart, as DataFrames."""
    import pyarrow as pa

    chart = (
        at.get("arrow_vega_lite_chart")[index] if at.get("arrow_vega_lite_chart") else at.get("vega_lite_chart")[index]
    )
    return [pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().to_pandas() for d in chart.proto.datasets]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table (st.dataframe or st.table) on the page that has ``column``."""
    for frame in [*at.dataframe, *at.table]:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")
