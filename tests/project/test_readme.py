"""The README's engine examples run as printed, and say what they print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def engine_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The engine: `rnn_core`") : text.index("## What the tests check")]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_engine_section_has_both_examples_and_they_run():
    blocks = engine_examples()
    assert len(blocks) == 2
    namespace: dict = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
    np.testing.assert_allclose(namespace["m"].predict(namespace["xs"])[:, 0], [0, 0.99, 0, 0.99], atol=1e-12)
    grads = namespace["grads"]
    np.testing.assert_allclose(grads.per_step["w2"].sum(axis=0), grads["w2"], rtol=1e-12)
    assert namespace["m"].input_gradients(namespace["xs"]).shape == (4, 2)
    kinds = [line.split()[0] for line in printed.getvalue().splitlines()]
    assert kinds == ["vanilla", "lstm", "gru"]


def test_the_lab_example_gives_the_numbers_its_comments_promise():
    from rnn_core import analysis as an

    assert an.log10_input_gradients([1.0] * 1000, w1=1.0, w2=3.0, activation="identity")[0] == pytest.approx(
        999 * np.log10(3.0), abs=1e-9
    )
    grid = an.log10_first_input_gradient_grid(np.linspace(-3, 3, 200), range(1, 201), activation="tanh")
    assert grid.shape == (200, 200)
