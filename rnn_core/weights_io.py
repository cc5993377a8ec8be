"""Saving and loading a model's weights as plain JSON, with a versioned schema.

A weights file looks like::

    {"format": "unrolled-weights", "version": 1, "kind": "vanilla",
     "config": {"n_hidden": 1, "n_in": 1, "n_out": 1, "activation": "relu"},
     "params": {"w1": [[1.8]], "w2": [[-0.5]], "b1": [0.0], "w3": [[1.1]], "b2": [0.0]}}

Loading parses JSON only (never pickle, never code), and checks everything before a
model is built: the format and version, the model kind, the architecture's sizes,
and that every parameter is present with the right shape and finite numbers. For
hand-written files, a bare ``{"w1": 1.8, "w2": -0.5, "b1": 0, "w3": 1.1, "b2": 0}``
is read as the one-unit ReLU network of StatLand.
"""

from __future__ import annotations

import json
import math

import numpy as np

from .activations import ACTIVATIONS
from .base import RecurrentModel

FORMAT = "unrolled-weights"
VERSION = 1
MAX_BYTES = 1_000_000
# Architecture limits: far above anything the app trains, low enough to refuse absurd files.
LIMITS = {"n_hidden": 256, "n_in": 64, "n_out": 64}
STATLAND_NAMES = ("w1", "w2", "b1", "w3", "b2")


class WeightsError(ValueError):
    """A weights file cannot be loaded; the message says what is wrong."""


def model_to_dict(model: RecurrentModel) -> dict:
    """The JSON-ready description of a model: kind, architecture and parameters."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": model.kind,
        "config": model.config(),
        "params": {name: value.tolist() for name, value in model.params.items()},
    }


def model_to_json(model: RecurrentModel) -> str:
    """A model's weights as JSON text (what the app's download buttons save)."""
    return json.dumps(model_to_dict(model), indent=1)


def model_from_json(raw: str | bytes, max_bytes: int = MAX_BYTES) -> RecurrentModel:
    """Build a model from weights JSON; raise ``WeightsError`` saying what is wrong if it is bad."""
    if isinstance(raw, bytes | bytearray):
        if len(raw) > max_bytes:
            raise WeightsError(
                f"the file is larger than {max_bytes // 1000} kB; a weights file is far smaller"
            )
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise WeightsError("the file is not text; a weights file is JSON") from None
    if not isinstance(raw, str):
        raise WeightsError("expected JSON text")
    if len(raw) > max_bytes:
        raise WeightsError(f"the file is larger than {max_bytes // 1000} kB; a weights file is far smaller")
    if not raw.strip():
        raise WeightsError("the file is empty")
    try:
        document = json.loads(raw, parse_constant=_refuse_constant)
    except WeightsError:
        raise
    except (json.JSONDecodeError, RecursionError) as error:
        message = getattr(error, "msg", "too deeply nested")
        raise WeightsError(f"the file is not valid JSON ({message})") from None
    return model_from_dict(document)


def model_from_dict(document) -> RecurrentModel:
    """Build a model from an already-parsed weights document (see the module docstring)."""
    if not isinstance(document, dict):
        raise WeightsError("a weights file holds one JSON object")
    if "format" not in document and set(document) == set(STATLAND_NAMES):
        document = _statland_shorthand(document)
    if document.get("format") != FORMAT:
        raise WeightsError(f"this is not an Unrolled weights file (its 'format' should be '{FORMAT}')")
    version = document.get("version")
    if version != VERSION:
        raise WeightsError(
            f"weights file version {version!r} is not supported; this app reads version {VERSION}"
        )
    kinds = _model_kinds()
    kind = document.get("kind")
    if kind not in kinds:
        raise WeightsError(f"unknown model kind {kind!r}; expected one of {', '.join(kinds)}")
    config = _check_config(document.get("config"), kind)
    params = document.get("params")
    if not isinstance(params, dict):
        raise WeightsError("'params' must be an object of named arrays")
    model = kinds[kind](**config, seed=0)
    expected = model.param_shapes
    missing = [name for name in expected if name not in params]
    extra = [name for name in params if name not in expected]
    if missing or extra:
        parts = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
        ]
        raise WeightsError(f"the parameters do not match a {kind} model: {'; '.join(p for p in parts if p)}")
    for name, shape in expected.items():
        model.params[name] = _check_array(name, params[name], shape)
    return model


def _refuse_constant(name: str):
    raise WeightsError(f"the file contains {name}; every weight must be a finite number")


def _model_kinds() -> dict[str, type[RecurrentModel]]:
    from . import vanilla

    try:
        from . import MODEL_KINDS
    except ImportError:
        return {"vanilla": vanilla.VanillaRNN}
    return dict(MODEL_KINDS)


def _statland_shorthand(document: dict) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": "vanilla",
        "config": {"n_hidden": 1, "n_in": 1, "n_out": 1, "activation": "relu"},
        "params": {
            name: [[value]] if name in ("w1", "w2", "w3") else [value] for name, value in document.items()
        },
    }


def _check_config(config, kind: str) -> dict:
    if not isinstance(config, dict):
        raise WeightsError("'config' must be an object with the model's sizes")
    allowed = set(LIMITS) | ({"activation"} if kind == "vanilla" else set())
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise WeightsError(f"unknown setting(s) in 'config': {', '.join(map(str, unknown))}")
    checked = {}
    for name, limit in LIMITS.items():
        value = config.get(name, 1)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
            raise WeightsError(f"config '{name}' must be a whole number from 1 to {limit}, not {value!r}")
        checked[name] = value
    if kind == "vanilla":
        activation = config.get("activation", "relu")
        if activation not in ACTIVATIONS:
            raise WeightsError(f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}")
        checked["activation"] = activation
    return checked


def _check_array(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    def numbers_only(item) -> bool:
        if isinstance(item, list):
            return all(numbers_only(x) for x in item)
        return isinstance(item, int | float) and not isinstance(item, bool)

    if not numbers_only(value):
        raise WeightsError(f"'{name}' must hold only numbers")
    try:
        array = np.array(value, dtype=float)
    except (ValueError, OverflowError):
        raise WeightsError(f"'{name}' is not a rectangular array of numbers") from None
    if array.size == 1 and math.prod(shape) == 1:
        array = array.reshape(shape)
    if array.shape != tuple(shape):
        raise WeightsError(f"'{name}' has shape {array.shape}; this model needs {tuple(shape)}")
    if not np.all(np.isfinite(array)):
        raise WeightsError(f"'{name}' holds a number too large to represent; every weight must be finite")
    return array
