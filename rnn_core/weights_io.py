"""Saving and loading a model's weights as plain JSON, with a versioned schema.

A weights file looks like::

    {"format": "unrolled-weights", "version": 1, "kind": "vanilla",
     "config": {"n_hidden": 1, "n_in": 1, "n_out": 1, "activation": "relu"},
     "params": {"w1": [[1.8]], "w2": [[-0.5]], "b1": [0.0], "w3": [[1.1]], "b2": [0.0]}}

Loading parses JSON only (never pickle, never code), and checks everything before a
model is built: the format and version, the model kind, the architecture's sizes,
and that every parameter is present with the right shape and finite numbers. For
hand-written files, a bare ``{"w1": 1.8, "w2": -0.5, "b1": 0, "w3": 1.1, "b2": 0}``
is read as the one-unit ReLU network of StatLand. Every problem is a ``WeightsError``
saying what is wrong; models within ``LIMITS`` always fit in ``MAX_BYTES``, so any
model that can be saved can be loaded again.
"""

from __future__ import annotations

import json
import math
import reprlib

import numpy as np

from .activations import ACTIVATIONS
from .base import RecurrentModel
from .vanilla import PARAM_NAMES

FORMAT = "unrolled-weights"
VERSION = 1
MAX_BYTES = 1_000_000
# Architecture limits: far above anything the app trains (32 hidden units, one input and
# one output), low enough to refuse absurd files, and consistent with MAX_BYTES: the
# largest model they allow (an LSTM of 64 units, 16 inputs, 16 outputs) saves to about
# 655 kB even when every weight takes the longest float text (24 characters), so every
# model that can be saved can be loaded again.
LIMITS = {"n_hidden": 64, "n_in": 16, "n_out": 16}


class WeightsError(ValueError):
    """A weights file cannot be loaded; the message says what is wrong."""


def model_to_dict(model: RecurrentModel) -> dict:
    """The JSON-ready description of a model: kind, architecture and parameters.

    Raises ``WeightsError`` for a model larger than ``LIMITS``, whose file could not be loaded.
    """
    too_big = [f"{name} = {getattr(model, name)}" for name, limit in LIMITS.items() if getattr(model, name) > limit]
    if too_big:
        allowed = ", ".join(f"{name} <= {limit}" for name, limit in LIMITS.items())
        raise WeightsError(
            f"this model is too large for a weights file ({', '.join(too_big)}); files hold models with {allowed}"
        )
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
            raise WeightsError(f"the file is larger than {max_bytes // 1000} kB; a weights file is far smaller")
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
    except json.JSONDecodeError as error:
        raise WeightsError(
            f"the file is not valid JSON ({error.msg.lower()} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise WeightsError(
            "the file's brackets nest thousands of levels deep; a weights file needs only a few"
        ) from None
    except ValueError:
        # Python refuses integers of more than 4,300 digits; no weight needs one.
        raise WeightsError(
            "the file holds a number with thousands of digits; every weight must be a finite number"
        ) from None
    return model_from_dict(document)


def model_from_dict(document) -> RecurrentModel:
    """Build a model from an already-parsed weights document (see the module docstring)."""
    if not isinstance(document, dict):
        raise WeightsError("a weights file holds one JSON object")
    if "format" not in document and set(document) == set(PARAM_NAMES):
        document = _statland_shorthand(document)
    if document.get("format") != FORMAT:
        raise WeightsError(f"this is not an Unrolled weights file (its 'format' should be '{FORMAT}')")
    version = document.get("version")
    # JSON true is Python's True, which equals 1: a version must be a whole number, not a flag.
    if isinstance(version, bool) or not isinstance(version, int) or version != VERSION:
        raise WeightsError(f"weights file version {_shown(version)} is not supported; this app reads version {VERSION}")
    kinds = _model_kinds()
    kind = document.get("kind")
    if not isinstance(kind, str) or kind not in kinds:
        raise WeightsError(f"unknown model kind {_shown(kind)}; expected one of {', '.join(kinds)}")
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
    # JSON's NaN, Infinity and -Infinity, described in words: the app never shows such tokens.
    kind = "a value that is not a number" if name == "NaN" else "an infinite value"
    raise WeightsError(f"the file contains {kind}; every weight must be an ordinary finite number such as -0.5")


def _model_kinds() -> dict[str, type[RecurrentModel]]:
    from . import MODEL_KINDS

    return dict(MODEL_KINDS)


# A value quoted in a message: short, and safe to build for any JSON value however deeply
# nested (reprlib stops after a few levels and a few dozen characters).
_quote = reprlib.Repr()  # keyword arguments need Python 3.12
_quote.maxlevel, _quote.maxlist, _quote.maxdict = 2, 4, 4
_quote.maxstring = _quote.maxother = _quote.maxlong = 30


def _shown(value, width: int = 60) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return "(a number too large to represent)"
    text = _quote.repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _statland_shorthand(document: dict) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "kind": "vanilla",
        "config": {"n_hidden": 1, "n_in": 1, "n_out": 1, "activation": "relu"},
        # Values pass as written: a single number may stand bare or in up to its shape's brackets.
        "params": dict(document),
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
            raise WeightsError(f"config '{name}' must be a whole number from 1 to {limit}, not {_shown(value)}")
        checked[name] = value
    if kind == "vanilla":
        activation = config.get("activation", "relu")
        if not isinstance(activation, str) or activation not in ACTIVATIONS:
            raise WeightsError(f"unknown activation {_shown(activation)}; expected one of {', '.join(ACTIVATIONS)}")
        checked["activation"] = activation
    return checked


def _check_array(name: str, value, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` as an array of ``shape``, checked level by level (no recursion, so no nesting is too deep)."""
    shape = tuple(shape)
    if math.prod(shape) == 1:
        # A single number may be written bare or in fewer brackets than its shape: 1.8, [1.8], [[1.8]].
        single = value
        for _ in shape:
            if isinstance(single, list) and len(single) == 1:
                single = single[0]
        if _is_number(single):
            value = single
    level, found = [value], []
    while any(isinstance(item, list) for item in level):
        if not all(isinstance(item, list) for item in level) or len({len(item) for item in level}) != 1:
            raise WeightsError(f"'{name}' is not a rectangular array of numbers")
        found.append(len(level[0]))
        if len(found) > len(shape):
            raise WeightsError(f"'{name}' has lists nested more than {len(shape)} deep; this model needs shape {shape}")
        level = [x for item in level for x in item]
    if not all(_is_number(item) for item in level):
        raise WeightsError(f"'{name}' must hold only numbers")
    if math.prod(shape) == 1 and len(level) == 1 and not found:
        found = list(shape)
    if tuple(found) != shape:
        raise WeightsError(f"'{name}' has shape {tuple(found)}; this model needs {shape}")
    try:
        array = np.array(level, dtype=float).reshape(shape)
    except OverflowError:  # an integer beyond the float range
        array = np.array([math.inf])
    if not np.all(np.isfinite(array)):
        raise WeightsError(f"'{name}' holds a number too large to represent; every weight must be finite")
    return array


def _is_number(item) -> bool:
    return isinstance(item, int | float) and not isinstance(item, bool)
