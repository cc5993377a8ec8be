"""A chart spec's data: a spec built once and kept (``frozen``), new rows swapped into it per rerun
(``with_datasets``) as Arrow bytes, which is how Streamlit sends a data set to the browser."""

from __future__ import annotations

import numpy as np
import pandas as pd


def with_datasets(spec: dict, **frames: pd.DataFrame) -> dict:
    """A (cached) spec with some of its named datasets replaced: new marks, new paths."""
    unknown = set(frames) - set(spec["datasets"])
    if unknown:
        raise KeyError(f"the spec has no dataset named {', '.join(sorted(unknown))}")
    return {**spec, "datasets": {**spec["datasets"], **frames}}


def arrow_table(columns: dict, finite: tuple[str, ...] = ()):
    """Columns (arrays or lists of equal length) as an Arrow table for a named dataset, with the
    rows dropped where a column in ``finite`` is not a finite number.

    For data swapped in on every rerun (``with_datasets``): Streamlit sends an Arrow table
    as it is, where a data frame costs a few milliseconds of conversion each time.
    """
    import pyarrow as pa

    arrays = {name: np.asarray(values) for name, values in columns.items()}
    if finite:
        keep = np.logical_and.reduce([np.isfinite(arrays[name].astype(float)) for name in finite])
        arrays = {name: values[keep] for name, values in arrays.items()}
    return pa.table(
        {name: pa.array(values.tolist() if values.dtype.kind in "OU" else values) for name, values in arrays.items()}
    )


def arrow_bytes(data) -> bytes:
    """A data frame or Arrow table as the Arrow bytes Streamlit sends for a chart's dataset.

    For data kept in a cache: a cached copy of bytes is cheap and Streamlit sends bytes as they
    are, where a data frame is unpickled and converted on every rerun.
    """
    from streamlit import dataframe_util

    return dataframe_util.convert_anything_to_arrow_bytes(data)


def frozen(spec: dict, keep: tuple[str, ...] = ()) -> dict:
    """The spec with its datasets (except ``keep``) already turned into Arrow bytes (``arrow_bytes``),
    for specs kept in a cache. The datasets in ``keep`` stay frames, to be swapped with ``with_datasets``.
    """
    return {
        **spec,
        "datasets": {name: frame if name in keep else arrow_bytes(frame) for name, frame in spec["datasets"].items()},
    }
