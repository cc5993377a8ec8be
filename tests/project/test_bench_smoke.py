"""The benchmark scripts still run: every section of `python bench/run.py --quick` prints its rows.

These tests prove the code paths work with tiny repeats; they assert the tables'
shape and that the figures are real positive numbers, never any speed.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys

import numpy as np
import pytest

import rnn_core as rc
from bench import run, training

NUMBER = re.compile(r"^[\d,]+(\.\d+)?( ms)?$")
RATIO = re.compile(r"^\d+\.\d\dx$")


def table(results: dict, number: str):
    found = [t for t in results["tables"] if t.title.startswith(number)]
    assert found, f"no table {number!r} in {[t.title for t in results['tables']]}"
    return found[0]


def positive(cell: str) -> bool:
    return bool(NUMBER.match(cell)) and float(cell.replace(",", "").replace(" ms", "")) > 0


@pytest.fixture(scope="module")
def quick_run():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        results = run.main(["--quick"])
    results["printed"] = printed.getvalue()
    return results


def test_quick_run_prints_the_machine_versions_and_every_table(quick_run):
    out = quick_run["printed"]
    for t in quick_run["tables"]:
        assert t.render() in out
    assert re.search(r"^date: \d{4}-\d\d-\d\d", out, re.M)
    assert re.search(r"^machine: .+, \d+ logical cores", out, re.M)
    assert re.search(r"numpy \d+\.\d+", out) and "torch " in out


def test_engine_section_has_a_trainer_and_a_bare_figure_for_every_case(quick_run):
    engine = table(quick_run, "1.")
    for case in training.CASES:
        row = engine.row(case.label)
        assert row is not None, case.label
        assert positive(row[1]) and positive(row[2]), row


def test_torch_section_compares_every_pytorch_variant(quick_run):
    side_by_side = table(quick_run, "2.")
    assert len(side_by_side.rows) == len(training.TORCH_RUNS)
    labels = {(row[0], row[1]) for row in side_by_side.rows}
    assert ("B256 T50 H16 tanh", "nn.RNN + nn.Linear, float32") in labels
    assert ("B256 T50 LSTM H16", "nn.LSTM + nn.Linear, float64") in labels
    torch_installed = training.torch_installed()  # torch is a benchmark-only extra
    for row in side_by_side.rows:
        assert positive(row[3]), row
        if torch_installed:
            assert positive(row[2]) and RATIO.match(row[4]), row
        else:
            assert row[2] == "torch not installed", row


def test_torch_section_runs_the_lessons_pytorch_program_where_torch_is_installed(quick_run):
    rows = table(quick_run, "2e.").rows
    assert [row[0] for row in rows] == ["ui.lesson.code.torch_code"]
    assert rows[0][1] == ("yes" if training.torch_installed() else "torch not installed"), rows


def test_calls_section_compares_the_public_call_with_torchs_forward_and_backward(quick_run):
    calls = table(quick_run, "2b.")
    assert [row[0] for row in calls.rows] == [training.CASE[key].label for key in training.CALL_CASES]
    for row in calls.rows:
        assert positive(row[1]), row
        if training.torch_installed():
            assert positive(row[2]) and RATIO.match(row[3]), row
        else:
            assert row[2] == "torch not installed", row
    targets = table(quick_run, "Targets")
    assert targets.row("B256 T50 H16: model.loss_and_grads vs torch fwd+bwd")[1] == ">= 2x"


def test_floor_section_sets_the_public_call_beside_the_least_work_numpy_version(quick_run):
    floor = table(quick_run, "2d.")
    (row,) = floor.rows
    assert row[0] == training.CASE["b256_h16"].label
    assert positive(row[1]) and positive(row[2]), row
    if training.torch_installed():
        assert positive(row[3]) and RATIO.match(row[4]) and RATIO.match(row[5]), row


def test_the_least_work_version_computes_the_engines_loss_and_gradients():
    # A measuring stick only counts if it does the same work: same loss, same five gradients,
    # on weights away from the seeded start, and the same again on a second call (buffers reused).
    case = training.CASE["b256_h16"]
    xs, ys = training.dataset(case.data)
    model = training.make_model(case)
    model.flat[:] += np.random.default_rng(1).normal(0.0, 0.3, model.flat.size)
    floor = training.floor_h16(model, xs, ys)
    expected_loss, expected = model.loss_and_grads(xs, ys)
    for loss, grads in (floor(), floor()):
        assert loss == pytest.approx(expected_loss, rel=1e-13)
        for name in model.param_shapes:
            np.testing.assert_allclose(grads[name], expected[name], rtol=1e-12, atol=1e-15, err_msg=name)


def test_exp_section_prices_the_exps_of_every_step_in_numpy_and_in_torch(quick_run):
    exps = table(quick_run, "2c.")
    assert [row[0] for row in exps.rows] == [training.CASE[key].label for key in training.EXPS_PER_STEP]
    for row in exps.rows:
        assert positive(row[2]) and positive(row[4]), row
        if training.torch_installed():
            assert positive(row[3]) and re.match(r"^\d+%$", row[5]), row
        else:
            assert row[3] == "torch not installed", row


def test_lab_startup_pages_and_live_sections_have_their_rows(quick_run):
    sweeps = table(quick_run, "3.")
    assert [row[0] for row in sweeps.rows] == ["relu", "tanh", "sigmoid", "identity"]
    assert all(positive(cell) for row in sweeps.rows for cell in row[1:])

    startup = table(quick_run, "4.")
    assert [row[0] for row in startup.rows] == ["python -c pass", "import numpy", "import rnn_core"]
    assert RATIO.match(startup.row("import rnn_core")[3])

    pages = table(quick_run, "5.")
    assert [row[0] for row in pages.rows] == [
        "minimal page",
        "Home",
        "StatLand",
        "Training",
        "Gradient lab",
        "Gradient lab, T near 1000",
    ]
    assert all(positive(row[2]) and RATIO.match(row[3]) for row in pages.rows)

    live = table(quick_run, "6.")
    row = live.row("apptest")
    assert positive(row[1]) and positive(row[2]) and re.match(r"^\d+%$", row[3])
    assert any("AppTest" in note for note in live.notes)


def test_targets_table_reports_every_figure_of_issues_7_and_12(quick_run):
    targets = table(quick_run, "Targets")
    assert len(targets.rows) == 26
    for figure, _target, measured, met in targets.rows:
        assert measured != "not measured in this run", figure
        if measured == "torch not installed":
            assert met == "–"
        else:
            assert met in ("yes", "NO"), (figure, measured, met)


def test_without_torch_the_torch_columns_say_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    results = run.main(["--quick", "--only", "torch"])
    side_by_side = table(results, "2.")
    assert all(row[2] == "torch not installed" and positive(row[3]) for row in side_by_side.rows)
    targets = table(results, "Targets")
    assert targets.row("four rules vs torch nn.RNN")[2:] == ["torch not installed", "–"]
    assert targets.row("200x200 grid, tanh")[2] == "not measured in this run"


def test_models_the_engine_lacks_print_not_available_yet(monkeypatch):
    # rnn_core loads GRU lazily on first use: hide it from the loader as well as from the module.
    monkeypatch.setattr(rc, "_LAZY", {name: module for name, module in rc._LAZY.items() if name != "GRU"})
    monkeypatch.delattr(rc, "GRU", raising=False)
    results = run.main(["--quick", "--only", "training"])
    assert table(results, "1.").row("B256 T50 GRU H16")[1:3] == ["not available yet", "not available yet"]


def test_targets_compare_against_the_issue_thresholds():
    results = {
        "engine": {"rules": {"trainer": 31_000.0}, "b256_h1": {"trainer": 3_999.0}},
        "grid": {("200x200", "relu"): 0.9e-3, ("200x200", "tanh"): 1.6e-3},
        "startup": {"numpy": 0.100, "rnn_core": 0.125},
        "pages": {"minimal": 0.010, "StatLand": 0.025},
    }
    targets = run.targets_table(results)
    assert targets.row("four rules, rc.Trainer")[3] == "yes"
    assert targets.row("B256 T50 H1, rc.Trainer")[3] == "NO"
    assert targets.row("200x200 grid, relu")[3] == "yes"
    assert targets.row("200x200 grid, tanh")[3] == "NO"
    assert targets.row("import rnn_core vs import numpy")[2:] == ["1.25x", "yes"]
    assert targets.row("StatLand page rerun vs minimal page")[2:] == ["2.50x", "NO"]
    assert targets.row("live training vs bare engine")[2] == "not measured in this run"


def test_unknown_sections_are_refused():
    with pytest.raises(SystemExit):
        run.main(["--only", "everything"])


@pytest.mark.browser
def test_the_step_benchmark_times_trainings_step_and_a_minimal_pages_button_in_the_browser():
    from concurrent.futures import ThreadPoolExecutor

    from bench.pages import step_repaint_table, step_repaint_times

    # A thread of its own: a worker that has driven the page fixture holds a running event loop here,
    # where Playwright's sync API refuses to start.
    with ThreadPoolExecutor(max_workers=1) as thread:
        found = thread.submit(step_repaint_times, clicks=3).result()
    assert len(found) == 2 and any(label.startswith("minimal") for label in found)
    for figures in found.values():
        assert 0 < figures["script"] <= figures["repaint"] <= figures["slowest"]
    rows = step_repaint_table(found).rows
    assert all(positive(cell) for row in rows for cell in row[1:4]) and all(RATIO.match(row[4]) for row in rows)
