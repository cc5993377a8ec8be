"""Check yourself: twelve questions drawn from the misconception inventory, taken before the lesson
(optional) and after it, on different numbers each time.

Every wrong option names the misconception it reveals; a question's right option is found from the
engine's numbers for its state, never stored. The answers are kept in the lesson's link as one
option number per question (``before=0.2.1.-.0...``). No Streamlit here."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import rnn_core as rc
from rnn_core.data import decode, encode
from ui.claims import claim
from ui.claims.lab import input_logs, oldest_share, share_class
from ui.lesson.challenges import Choose, Option, State
from ui.lesson.misconceptions import BY_CODE, STATLAND

ROUNDS = {"before": 0, "after": 1}  # the seed of each round: the same questions, other numbers


@dataclass(frozen=True)
class Question:
    key: str
    start: Callable[[int], State]  # the question's numbers for a round's seed
    choose: Choose

    def misconceptions(self) -> set[str]:
        return {o.reveals for o in self.choose.options if isinstance(o.reveals, str) and o.reveals}

    def order(self, seed: int) -> list[int]:
        """The options' order on screen for a round: shuffled, the same for the same round, so the
        right one is not always first."""
        index = next(i for i, q in enumerate(QUESTIONS) if q.key == self.key)
        return [int(i) for i in np.random.default_rng([int(seed), index]).permutation(len(self.choose.options))]


def _variant(*states: State) -> Callable[[int], State]:
    return lambda seed: states[int(seed) % len(states)]


def _days(days) -> str:
    return " → ".join(days)


def _network(**changes) -> rc.VanillaRNN:
    return rc.statquest_rnn(**{**STATLAND, **changes})


def _reads(days) -> str:
    return decode(float(_network().predict(encode(list(days))[None])[0, 0]))


# -- how many parameters, how BPTT adds (M7, M1) -----------------------------------------------------
def _n_params(state: State) -> int:
    model = _network()
    model.forward(np.zeros((1, int(state["n_days"]))))
    return model.n_params


def _adds_up(state: State) -> bool:
    xs = encode(list(state["days"]))[None]
    return claim("shares_add_up", xs=xs.tolist(), ys=[[0.0]], weights=STATLAND, loss="ssr").holds()


# -- the memory (M2, M9) -----------------------------------------------------------------------------
def _histories_differ(state: State) -> bool:
    return _reads((state["a"], state["last"])) != _reads((state["b"], state["last"]))


def _day_one_in_h(state: State) -> bool:
    """Reading leaves the weights as they were, and day 2's h changes with day 1's price (h1 carries it)."""
    model = _network()
    before = {name: np.array(value, copy=True) for name, value in model.params.items()}
    days = list(state["days"])
    other = [next(w for w in ("low", "high") if w != days[0]), *days[1:]]
    h2 = model.forward(encode(days)[None]).hidden[0, 1, 0]
    moved = h2 != model.forward(encode(other)[None]).hidden[0, 1, 0]
    return bool(moved and all(np.array_equal(before[n], model.params[n]) for n in before))


def _last_h_predicts(state: State) -> bool:
    trace = _network().forward(encode(list(state["days"]))[None])
    return float(trace.y[0, 0]) == STATLAND["w3"] * float(trace.hidden[0, -1, 0]) + STATLAND["b2"]


# -- the gradients (M3, M4, M5, M6) -------------------------------------------------------------------
def _kind(state: State, **model) -> str:
    return share_class(oldest_share(state["w2"], state["length"], state.get("activation", "relu"), **model))


def _newest_counts(state: State) -> bool:
    return _kind(state) == "fades" and abs(float(input_logs(state["w2"], state["length"])[-1])) < 1


def _gates_slow_the_fade(state: State) -> bool:
    gated = {"model": "lstm", "gate_bias": state["gate_bias"]}
    return (
        _kind(state, **gated) == "fades"
        and claim("gated_slower", w2=state["w2"], length=state["length"], activation="relu", **gated).holds()
    )


def _clip_keeps_share(state: State) -> bool:
    return claim("clip_keeps_direction", w2=state["w2"], length=state["length"], threshold=1.0).holds()


# -- the order (M8) -----------------------------------------------------------------------------------
def _oldest_goes_first(state: State) -> bool:
    days = list(state["days"])
    h1 = float(_network().forward(encode(days)[None]).hidden[0, 0, 0])
    return (
        h1
        == max(0.0, STATLAND["w1"] * float(encode(days[0])) + STATLAND["b1"])
        != max(0.0, STATLAND["w1"] * float(encode(days[-1])) + STATLAND["b1"])
    )


def _order_matters(state: State) -> bool:
    return _reads(state["days"]) != _reads(tuple(reversed(state["days"])))


def _with_reads(days) -> State:
    return {"days": days, "days_text": _days(days), "back": _days(tuple(reversed(days))), "reads": _reads(days)}


def _gate_state(length: int, gate_bias: float) -> State:
    return {"w2": 0.5, "length": length, "gate_bias": gate_bias, "keep": f"{1 / (1 + math.exp(-gate_bias)):.3g}"}


def _m(code: str) -> str:
    return BY_CODE[code].code  # a code the inventory has (a KeyError here names a typo)


def _never(state: State) -> bool:
    return False


def _right(text: str, correct: Callable[[State], bool]) -> Option:
    """The option a question's state supports (the quiz says no why: its result names the beliefs)."""
    return Option(text, correct, lambda state: "")


def _wrong(text: str, code: str, correct: Callable[[State], bool] = _never) -> Option:
    """An option that reveals misconception ``code`` when picked wrongly (``correct`` where a state might
    make it right)."""
    return Option(text, correct, lambda state: "", reveals=_m(code))


QUESTIONS: tuple[Question, ...] = (
    Question(
        "params",
        _variant({"n_days": 4}, {"n_days": 12}),
        Choose(
            lambda s: f"The network reads **{s['n_days']} days** at a time. How many parameters does training adjust?",
            (
                _right("5", lambda s: _n_params(s) == 5),
                _wrong("{n_days}", "M7", lambda s: _n_params(s) == s["n_days"]),
                _wrong("5 × {n_days}", "M1", lambda s: _n_params(s) == 5 * s["n_days"]),
            ),
        ),
    ),
    Question(
        "bptt",
        _variant({"days": ("low", "medium", "high")}, {"days": ("high", "high", "medium")}),
        Choose(
            lambda s: f"Training on **{_days(s['days'])}**, how does w2 get its gradient?",
            (
                _right("One gradient: every day's piece added up", _adds_up),
                _wrong("Each day's copy updates its own w2", "M1"),
                _wrong("From the last day's copy alone", "M1"),
            ),
        ),
    ),
    Question(
        "histories",
        _variant({"a": "low", "b": "high", "last": "medium"}, {"a": "medium", "b": "high", "last": "medium"}),
        Choose(
            lambda s: (
                f"Same weights, two histories: **{s['a']} → {s['last']}** and **{s['b']} → {s['last']}**. "
                "What does the network predict?"
            ),
            (
                _right("Different levels: h carries day 1 in", _histories_differ),
                _wrong("The same level: the weights hold the memory", "M2", lambda s: not _histories_differ(s)),
                _wrong("The same level: only the last day counts", "M9", lambda s: not _histories_differ(s)),
            ),
        ),
    ),
    Question(
        "recent",
        _variant({"w2": 0.5, "length": 50}, {"w2": 0.6, "length": 80}),
        Choose(
            lambda s: (
                f"w2 = {s['w2']:g} over **{s['length']} days**: the first day's pull fades. What about the "
                "newest day's pull?"
            ),
            (
                _right("It still counts in full", _newest_counts),
                _wrong("It fades too: the whole gradient vanishes", "M3"),
                _wrong("It is exactly 0", "M3", lambda s: _kind(s) == "zero"),
            ),
        ),
    ),
    Question(
        "negative",
        _variant({"w2": -2.0, "length": 100}, {"w2": -1.5, "length": 60}),
        Choose(
            lambda s: (
                f"ReLU network, w2 = {s['w2']:g}, so |w2| > 1. Over **{s['length']} days**, the first day's gradient..."
            ),
            (
                _wrong("...explodes", "M4", lambda s: _kind(s) == "explodes"),
                _wrong("...stays about the same", "M4", lambda s: _kind(s) == "steady"),
                _right("...is exactly 0", lambda s: _kind(s) == "zero"),
            ),
        ),
    ),
    Question(
        "tanh",
        _variant({"w2": 3.0, "length": 100, "activation": "tanh"}, {"w2": 2.5, "length": 60, "activation": "tanh"}),
        Choose(
            lambda s: (
                f"A tanh network with w2 = {s['w2']:g} reads **{s['length']} high days**. The first day's gradient..."
            ),
            (
                _wrong("...explodes: |w2| > 1", "M4", lambda s: _kind(s) == "explodes"),
                _right("...fades: tanh saturates", lambda s: _kind(s) == "fades"),
                _wrong("...stays about the same", "M4", lambda s: _kind(s) == "steady"),
            ),
        ),
    ),
    Question(
        "gates",
        _variant(_gate_state(1000, 4.0), _gate_state(600, 3.0)),
        Choose(
            lambda s: (
                f"An LSTM whose memory gates sit near {s['keep']} reads **{s['length']} days**. The first day's pull..."
            ),
            (
                _right("...still fades, more slowly than without gates", _gates_slow_the_fade),
                _wrong(
                    "...no longer fades: gates remove vanishing",
                    "M5",
                    lambda s: _kind(s, model="lstm", gate_bias=s["gate_bias"]) != "fades",
                ),
                _wrong("...stays as strong as the newest day's", "M5"),
            ),
        ),
    ),
    Question(
        "clipping",
        _variant({"w2": 0.5, "length": 50}, {"w2": 0.6, "length": 40}),
        Choose(
            lambda s: (
                f"w2 = {s['w2']:g} over **{s['length']} days**: the first day's share of the gradient has faded. "
                "Clipped at norm 1, that share..."
            ),
            (
                _right("...stays the same: every part shrinks alike", _clip_keeps_share),
                _wrong("...grows back: clipping fixes vanishing", "M6"),
                _wrong("...points another way: clipping turns it", "M6"),
            ),
        ),
    ),
    Question(
        "first",
        _variant({"days": ("low", "medium", "high")}, {"days": ("high", "low", "medium")}),
        Choose(
            lambda s: f"The network reads **{_days(s['days'])}**. Which day goes in first?",
            (
                _right("{days[0]}, the oldest", _oldest_goes_first),
                _wrong("{days[2]}, the newest", "M8"),
                _wrong("All three at once", "M8"),
            ),
        ),
    ),
    Question(
        "reversed",
        _variant(_with_reads(("high", "medium")), _with_reads(("low", "medium"))),
        Choose(
            lambda s: f"**{s['days_text']}** predicts {s['reads']}. What does **{s['back']}** predict?",
            (
                _wrong("The same: {reads}", "M8", lambda s: not _order_matters(s)),
                _right("Another level: the order matters", _order_matters),
            ),
        ),
    ),
    Question(
        "output",
        _variant({"days": ("high", "medium")}, {"days": ("low", "high", "medium")}),
        Choose(
            lambda s: (
                f"For **{_days(s['days'])}** the network finds an h for every day. Which gives tomorrow's prediction?"
            ),
            (
                _right("Only the last day's h, through w3 and b2", _last_h_predicts),
                _wrong("Every day's h: one prediction each", "M9"),
                _wrong("The average of the days' h", "M9"),
            ),
        ),
    ),
    Question(
        "memory",
        _variant({"days": ("high", "medium")}, {"days": ("low", "medium")}),
        Choose(
            lambda s: f"Reading day 2 of **{_days(s['days'])}**, where does the network keep what day 1 was?",
            (
                _right("In h1, times w2 in day 2's sum", _day_one_in_h),
                _wrong("In the weights, which change as it reads", "M2"),
                _wrong("Nowhere: each day is read alone", "M2"),
            ),
        ),
    ),
)


def parse(raw) -> dict[str, int]:
    """A round's answers from the link ('0.2.-.1'): question key -> option picked; anything else ignored."""
    answers = {}
    for question, part in zip(QUESTIONS, str(raw or "").split("."), strict=False):
        if part.isdigit() and int(part) < len(question.choose.options):
            answers[question.key] = int(part)
    return answers


def link_value(answers: dict[str, int]) -> str:
    return ".".join(str(answers[q.key]) if q.key in answers else "-" for q in QUESTIONS)


@dataclass(frozen=True)
class Result:
    right: int
    asked: int
    held: tuple[str, ...]  # the misconceptions the wrong answers reveal, in inventory order


def result(answers: dict[str, int], seed: int) -> Result:
    right, held = 0, set()
    for question in QUESTIONS:
        if question.key not in answers:
            continue
        state = question.start(seed)
        option = question.choose.options[answers[question.key]]
        if option.correct(state):
            right += 1
        elif code := option.misconception(state):
            held.add(code)
    return Result(right, len(QUESTIONS), tuple(code for code in BY_CODE if code in held))
