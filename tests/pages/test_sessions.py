"""Many learners on one server: sessions stay apart, module state never changes, caches are bounded."""

from __future__ import annotations

import ast
import copy
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

from apptest_support import assert_clean, metric, open_page

import rnn_core
import ui

ROOT = Path(__file__).resolve().parents[2]
TRAINING = "app_pages/training.py"
GOOD_CSV = b"Date,Close\n" + b"".join(f"2024-01-{d:02d},{100 + d * 0.7:.2f}\n".encode() for d in range(1, 29))


def test_two_learners_training_at_once_never_see_each_others_runs_or_uploads():
    alice = open_page(TRAINING)
    bob = open_page(TRAINING)
    for _ in range(5):
        alice.button(key="tr_step").click().run()
    alice.number_input(key="tr_seed").set_value(77).run()
    alice.file_uploader(key="tr_csv_file").upload("alice.csv", GOOD_CSV, "text/csv").run()
    bob.run()
    assert_clean(alice)
    assert_clean(bob)
    assert metric(bob, "Step") == "0"
    assert bob.number_input(key="tr_seed").value != 77
    assert "tr_csv_prices" not in bob.session_state
    assert all("alice.csv" not in str(element.value) for element in list(bob.success) + list(bob.caption))
    bob.button(key="tr_step").click().run()
    assert metric(bob, "Step") == "1"


def _module_containers() -> dict[str, object]:
    """Every module-level dict, list and set in rnn_core and ui, deep-copied once every module is imported
    (a registry such as ``ui.classroom.linkable.REGISTRY`` fills as the modules that declare into it load)."""
    modules = [
        importlib.import_module(info.name)
        for package in (rnn_core, ui)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]
    found = {}
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, dict | list | set) and not name.startswith("__"):
                found[f"{module.__name__}.{name}"] = copy.deepcopy(value)
    return found


def test_using_every_page_leaves_module_level_state_untouched():
    before = _module_containers()
    at = open_page("app_pages/statland.py")
    at.button(key="sl_rule3").click().run()
    at.number_input(key="sl_w2").set_value(0.7).run()
    at.switch_page(TRAINING).run()
    for _ in range(3):
        at.button(key="tr_step").click().run()
    at.switch_page("app_pages/lab.py").run()
    at.slider(key="lab_w2").set_value(2.5).run()
    assert_clean(at)
    after = _module_containers()
    changed = [name for name in before if repr(before[name]) != repr(after.get(name))]
    assert not changed, f"module-level state changed while pages ran: {changed}"


def _cache_decorators(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = ast.unparse(target)
                if name.endswith(("cache_data", "cache_resource")):
                    yield node.name, decorator


def test_every_streamlit_cache_is_bounded():
    sources = [*ROOT.glob("app_pages/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "streamlit_app.py"]
    caches = [(path.name, name, decorator) for path in sources for name, decorator in _cache_decorators(path)]
    assert caches, "the pages cache their pure computations"
    unbounded = [
        f"{file}:{name}"
        for file, name, decorator in caches
        if not isinstance(decorator, ast.Call)
        or not any(keyword.arg in ("max_entries", "ttl") for keyword in decorator.keywords)
    ]
    assert not unbounded, f"caches without max_entries: {unbounded}"


def test_the_app_limits_numpys_blas_to_one_thread_for_the_whole_server():
    # In a fresh interpreter, so no earlier test has set the limit already. Two BLAS threads
    # made live training several times slower on a small machine (see streamlit_app.py).
    # NumPy is loaded before the app runs, so the app's environment variables come too late
    # and threadpoolctl must do the work.
    probe = (
        "import numpy\n"
        "from threadpoolctl import threadpool_info\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"AppTest.from_file({str(ROOT / 'streamlit_app.py')!r}).run()\n"
        "print([pool['num_threads'] for pool in threadpool_info() if pool['user_api'] == 'blas'])\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[1]", result.stdout
