"""Every widget a link can set, lock or hide, declared once, next to the code that draws it.

A ``Linkable`` names the widget (its page's key prefix and its own name: ``lab_`` + ``w2``), how a URL
writes its value, and what a link may hold for it: one of its options, or a number in its range.
The page draws the widget with ``**W2.bound()`` (``W2.bound(prefix)`` where another page draws it
under its own prefix, as the lesson draws the lab's views), which binds it to the URL, lets a link
lock or hide it and lists it in "Share this view" (``ui.classroom.links.bound``). Scenario and
refutation links are written with ``link(...)`` from declarations and values, so a link never restates
a key or an option's text, and a value no widget can take fails when the link is built, not when a
class opens it. Every declaration lands in ``REGISTRY`` (by its key), which the checks read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ui.classroom.links import HIDE, LOCK, bound, link_value

# Every declared widget by its key (``lab_w2``), filled as the modules that draw them are imported.
REGISTRY: dict[str, Linkable] = {}


@dataclass(frozen=True)
class Linkable:
    """A widget a link can set, lock and hide.

    ``options``: the values a select-like widget takes, shown (and so written in a URL: Streamlit
    binds such a widget by its option as shown) as ``labels`` gives them, or by ``text``; without
    options, a number from ``low`` to ``high``. With ``labels`` alone, its keys are the options.
    ``old_texts``: texts that links made by an earlier version of the app hold, each with the option
    it names, so those links still open it (``ui.classroom.unused.link_snapshot`` renames them)."""

    prefix: str  # the page's key prefix, ending in "_"
    name: str
    text: Callable[[object], str] = link_value
    options: tuple = ()
    low: float = -math.inf
    high: float = math.inf
    labels: Mapping[object, str] | None = field(default=None, hash=False, compare=False)
    old_texts: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        if not self.prefix.endswith("_"):
            raise ValueError(f"a key prefix ends in '_': {self.prefix!r}")
        if self.labels is not None and not self.options:
            object.__setattr__(self, "options", tuple(self.labels))
        REGISTRY[self.key()] = self

    def show(self, value: object) -> str:
        """The value as the widget shows it, and so as a link holds it (a select's ``format_func``)."""
        return self.labels[value] if self.labels is not None else self.text(value)

    def key(self, prefix: str | None = None) -> str:
        return (self.prefix if prefix is None else prefix) + self.name

    def bound(self, prefix: str | None = None) -> dict:
        """Keyword arguments for the widget (``key``, ``bind``, ``disabled``), under ``prefix`` if given."""
        return bound(self.key(prefix), self.show)

    def written(self, value: object) -> str:
        """``value`` as a link holds it; a value the widget cannot take is a ValueError."""
        if self.options:
            if value not in self.options:
                raise ValueError(f"{self.key()} has no option {value!r}")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{self.key()} takes a number, not {value!r}")
        elif not (math.isfinite(value) and self.low <= value <= self.high):
            raise ValueError(f"{self.key()} takes {self.low:g} to {self.high:g}, not {value!r}")
        return self.show(value)


def link(
    values: Mapping[Linkable, object] | Iterable[tuple[Linkable, object]] = (),
    *,
    lock: Iterable[Linkable] = (),
    hide: Iterable[Linkable] = (),
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A link's parameters: these widgets' values (checked), the widgets it locks and hides, and
    ``extra`` parameters that are no widget (the lesson's ``step``)."""
    pairs = values.items() if isinstance(values, Mapping) else values
    params = {**(extra or {}), **{widget.key(): widget.written(value) for widget, value in pairs}}
    if locks := [widget.key() for widget in lock]:
        params[LOCK] = ",".join(locks)
    if hides := [widget.key() for widget in hide]:
        params[HIDE] = ",".join(hides)
    return params


def query(params: Mapping[str, str]) -> str:
    """The parameters as a URL's query (the commas of a lock or hide list kept as they are)."""
    return urlencode(params, safe=",")
