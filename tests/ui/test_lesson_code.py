"""From the lesson to code: the NumPy program shown after the last step prints what rnn_core finds."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import rnn_core as rc
from ui.lesson import code

STATLAND = {name: float(value) for name, value in rc.STATQUEST_WEIGHTS.items()}


def printed(source: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<lesson code>", "exec"), {})  # noqa: S102 - our own program, built by ui.lesson.code
    return out.getvalue()


def random_cases(n: int = 25):
    rng = np.random.default_rng(7)
    for _ in range(n):
        weights = dict(zip(rc.PARAM_NAMES, rng.uniform(-2, 2, 5).round(3).tolist(), strict=True))
        days = tuple(rng.choice(["low", "medium", "high"], size=int(rng.integers(1, 7))).tolist())
        yield weights, days, str(rng.choice(["low", "medium", "high"]))


def test_the_numpy_program_prints_what_rnn_core_finds_for_the_lesson():
    assert printed(code.numpy_code(STATLAND)) == code.engine_printout(STATLAND)
    assert "dL/dw2 = 0," not in code.engine_printout(STATLAND), "an example where w2 has a gradient to show"


@pytest.mark.parametrize(("weights", "days", "target"), list(random_cases()))
def test_the_numpy_program_prints_what_rnn_core_finds_for_any_network(weights, days, target):
    assert printed(code.numpy_code(weights, days, target)) == code.engine_printout(weights, days, target)


def test_the_programs_are_short_and_name_the_lessons_weights():
    compile(code.torch_code(STATLAND), "<lesson torch code>", "exec")  # run by the benchmarks, where torch is
    for source in (code.numpy_code(STATLAND), code.torch_code(STATLAND)):
        assert len(source.splitlines()) <= 32
        assert "w1, w2, b1, w3, b2 = 1.8, -0.5, 0.0, 1.1, 0.0" in source
