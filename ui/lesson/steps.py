"""The guided lesson's steps and challenges, checked by ``rnn_core`` against the learner's state.

Each step of the StatQuest lesson ("Recurrent Neural Networks (RNNs), Clearly Explained!!!")
has a short text, the live view it shows and one challenge. A challenge never stores its
answer: it computes it from the step's current state (the days, weights, w2 and length the
learner has on screen), so a different starting state has a different correct answer.
Three kinds: predict a number (checked with a stated tolerance), reach a goal by changing
the live network, or choose an explanation (each choice says why it is right or wrong).
No Streamlit here: the Lesson page draws these.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import rnn_core as rc
from rnn_core.data import LEVELS, decode, encode
from ui.claims import Said, claim, general, said
from ui.claims.lab import input_logs, oldest_share, share_class
from ui.kit.format import from_log10, number
from ui.lab.model import LESSON_W2
from ui.lesson.challenges import (
    Choose,
    Goal,
    Mistake,
    Option,
    Predict,
    State,
    answer_text,
    as_said,
)
from ui.lesson.step import BPTTView, DaysSlider, LabKnobs, LabView, StatLandView, Step, WeightField

VIDEO_TITLE = "Recurrent Neural Networks (RNNs), Clearly Explained!!!"
WORDS = tuple(LEVELS)
FOUR_RULES = (
    (("low", "low"), "low"),
    (("low", "medium"), "high"),
    (("high", "medium"), "low"),
    (("high", "high"), "high"),
)


# -- the learner's network ----------------------------------------------------------------
def network(weights: Mapping[str, float]) -> rc.VanillaRNN:
    """The lesson's one-unit network with the step's w1, w2, b1, w3, b2."""
    return rc.statquest_rnn(**{name: weights[name] for name in rc.PARAM_NAMES})


def prediction(weights: Mapping[str, float], days) -> float:
    """y_T for the days (words, oldest first) on the network with ``weights``."""
    return float(network(weights).predict(encode(list(days))[None])[0, 0])


def _pick(seed: int, choices):
    return choices[int(seed) % len(choices)]


def _weights(**changes) -> dict:
    return {**rc.STATQUEST_WEIGHTS, **changes}


def _days_text(days) -> str:
    return " → ".join(days)


def _four_rules_met(state: State) -> bool:
    weights = state["weights"]
    if any(weights[name] != state["start_weights"][name] for name in ("w1", "b1", "w3", "b2")):
        return False
    return all(decode(prediction(weights, days)) == word for days, word in FOUR_RULES)


def _four_rules_text(state: State) -> Said:
    start = state["start_weights"]
    moved = [name for name in rc.STATQUEST_WEIGHTS if start[name] != rc.STATQUEST_WEIGHTS[name]]
    values = ", ".join(f"{name} = {number(start[name])}" for name in moved)
    verb = "differs" if len(moved) == 1 else "differ"
    return said(
        "The StatLand weights predict all four rules in the table. ",
        claim("rules_matched", weights=rc.STATQUEST_WEIGHTS, count=4),
    ) + said(
        f"Here {' and '.join(moved)} {verb} from the StatLand weights ({values}).",
        claim("moved_from_statland", weights=start, names=tuple(moved)),
    )


def _four_rules_prompt(state: State) -> Said:
    return said(
        "Change **only w2** until all four rules are predicted right.",
        claim("rules_reachable_by_w2", weights=state["start_weights"]),
    )


def _four_rules_why(state: State) -> Said:
    weights = state["weights"]
    days = ("high", "medium")
    trace = network(weights).forward(encode(list(days))[None])
    inp, rec = float(trace.input_term[0, 1, 0]), float(trace.recurrent_term[0, 1, 0])
    about = {"days": days, "weights": weights}
    if inp + rec <= 0:
        effect = said(f"cancels the medium day's w1·x = {number(inp)}", claim("cancels", **about))
    else:
        effect = said(
            f"cuts the medium day's w1·x = {number(inp)} down to {number(inp + rec)}", claim("pulls_down", **about)
        )
    return (
        f"On high → medium, w2·h1 = {number(rec)} "
        + effect
        + said(
            ", and high → high still predicts high: all four rules hold.",
            claim("rules_matched", weights=weights, count=4),
        )
    )


def _bptt_w2(state: State) -> float:
    model = network(state["weights"])
    xs, ys = encode(list(state["days"]))[None], [[LEVELS[state["target"]]]]
    return float(model.loss_and_grads(xs, ys, loss="ssr")[1]["w2"][0, 0])


def _first_day_scale(state: State) -> float:
    return 10.0 ** input_logs(state["w2"], int(state["length"]), "identity")[0] / (
        rc.STATQUEST_WEIGHTS["w1"] * rc.STATQUEST_WEIGHTS["w3"]
    )


def _first_day_why(state: State) -> Said:
    shown = answer_text(_first_day_scale(state))[0]
    return said(
        f"w2 alone leaves day 1 {shown} of the last day's pull: it fades, and training hardly hears day 1.",
        claim("fades", w2=state["w2"], length=state["length"], activation="relu"),
    )


def _trade_off_class(state: State) -> str:
    """What the step's view (the lab's ReLU network) does to the first of ``length`` days: explodes,
    fades, zero or steady."""
    return share_class(oldest_share(state["w2"], state["length"]))


def _trade_off_why(state: State) -> Said:
    kind = _trade_off_class(state)
    w2, T = state["w2"], int(state["length"])
    share = from_log10(oldest_share(w2, T))
    lab = claim(kind, w2=w2, length=T, activation="relu")
    if kind == "fades":
        return said(
            f"|w2| = {w2:g} < 1 multiplied in {T - 1} times leaves the first day {share} of the last day's pull: "
            "it fades.",
            lab,
        )
    if kind == "explodes":
        return said(
            f"|w2| = {w2:g} > 1 multiplied in {T - 1} times makes the first day pull {share} times as hard as "
            "the last: it explodes.",
            lab,
        )
    if kind == "zero":
        return said(
            f"w2 = {w2:g} switches the ReLU unit off on every other day: the first day's gradient is exactly 0, "
            "though |w2| > 1.",
            lab,
            claim("relu_switches_off", w2=w2, length=T, activation="relu"),
        )
    return said(f"Over {T} days w2 = {w2:g} leaves the first day {share} of the last day's pull.", lab)


def _newest_why(state: State) -> Said:
    w2, T = state["w2"], int(state["length"])
    newest = from_log10(float(input_logs(w2, T)[-1]))
    return said(
        f"The newest day still moves y by {newest} whatever w2 is: no w2 stands between it and the end. ",
        claim("newest_pull", w2=w2, length=T, activation="relu", shown=newest),
    ) + _trade_off_why(state)


# -- step 1: the scale -----------------------------------------------------------------------------------
def _scale_days(state: State) -> list[str]:
    """The two other levels, then the asked-for day: the learner reads the scale from the two shown."""
    return [word for word in WORDS if word != state["day"]] + [state["day"]]


def _scale_masked(state: State) -> frozenset[str]:
    return frozenset({"x3", "terms3", "h3", "y"})  # the third day's number and all it would give away


def _level_position(state: State) -> float:
    return float(WORDS.index(state["day"]) + 1)  # low 1, medium 2, high 3


# -- step 2: the first day's h ------------------------------------------------------------------------
FIRST_DAY_VARIANTS = (("high", 0.0), ("medium", -0.3), ("low", -0.3), ("high", 0.2))


def _first_day(state: State, **changes) -> float:
    """h1 for the step's day on its weights, with ``changes`` made (a mistake's way of working it out)."""
    weights = {**state["weights"], **changes}
    return float(network(weights).forward(encode([state["day"]])[None]).hidden[0, 0, 0])


def _first_day_sum(state: State) -> float:
    return float(network(state["weights"]).forward(encode([state["day"]])[None]).pre_activation[0, 0, 0])


# -- step 3: the output of three days -------------------------------------------------------------------
def _last_masked(state: State) -> frozenset[str]:
    T = len(state["days"])
    return frozenset({f"terms{T}", f"h{T}", "y"})


def _output(state: State, days=None, **changes) -> float:
    return prediction({**state["weights"], **changes}, state["days"] if days is None else days)


def _last_h(state: State) -> float:
    return float(network(state["weights"]).forward(encode(list(state["days"]))[None]).hidden[0, -1, 0])


def _last_sum_through_w3(state: State) -> float:
    """The output with the last day's ReLU left out: w3 times the raw sum, plus b2."""
    trace = network(state["weights"]).forward(encode(list(state["days"]))[None])
    weights = state["weights"]
    return float(weights["w3"] * trace.pre_activation[0, -1, 0] + weights["b2"])


# -- step 6: BPTT's shares ------------------------------------------------------------------------------
# Days and w2: with a negative w2 the pieces alternate in sign, so adding them is not adding their sizes.
BPTT_VARIANTS = ((("high", "medium"), -0.2), (("medium", "high", "medium"), -0.2), (("high", "high", "medium"), 0.3))


def bptt_shares(state: State) -> list[float]:
    """Each day's share of dL/dw2 for the step's days, weights and target (loss (y - target)²)."""
    model = network(state["weights"])
    xs, ys = encode(list(state["days"]))[None], [[LEVELS[state["target"]]]]
    grads = model.loss_and_grads(xs, ys, loss="ssr")[1]
    return [float(v) for v in np.asarray(grads.per_step["w2"]).reshape(-1)]


# -- step 8: w2 alone ----------------------------------------------------------------------------------
def _w2_power(state: State, power: int) -> float:
    return float(state["w2"]) ** power


GRU_UPDATE_BIAS = 4.0  # sigmoid(4) = 0.98: the update gate mostly keeps the old state


def _remedies(state: State) -> dict[str, float]:
    """For each remedy the last step offers, log10 of how much the first of ``length`` high days
    counts at the end compared with the last day, |d y_T / d x_1| / |d y_T / d x_T|, on the step's
    view (the lab's ReLU network and its GRU)."""
    length = int(state["length"])
    # Clipping rescales the whole gradient: the first day's share of it does not change.
    return {
        "gru": oldest_share(LESSON_W2, length, model="gru", gate_bias=GRU_UPDATE_BIAS),
        "clipped": oldest_share(LESSON_W2, length),
        "w2 0.9": oldest_share(0.9, length),
    }


def _gru_fades(state: State) -> bool:
    return share_class(_remedies(state)["gru"]) == "fades"


def _remedy_best(state: State) -> str:
    found = _remedies(state)
    return max(found, key=found.get)


STEPS: tuple[Step, ...] = (
    Step(
        "scaling",
        "Prices become numbers",
        "A network only reads numbers, so StatLand's three price levels become numbers on one scale. "
        "The diagram shows two of them going in.",
        StatLandView(_scale_days, masked=_scale_masked),
        lambda seed: {"day": _pick(seed, ("medium", "high", "low"))},
        Predict(
            lambda s: f"Which number does a **{s['day']}** day enter the network as?",
            lambda s: float(encode(s["day"])),
            "Read the x of the other two days in the diagram: the three levels sit evenly on one scale.",
            lambda s: "Low is 0, medium 0.5 and high 1: the scale runs from the lowest price to the highest.",
            tolerance=0.001,
            mistakes=(
                Mistake(
                    "counted the levels",
                    _level_position,
                    "That counts the levels 1, 2, 3. The scale puts them on one line from the lowest price to the "
                    "highest: read the other two days' x.",
                ),
                Mistake(
                    "split into thirds",
                    lambda s: _level_position(s) / 3,
                    "That splits the scale into thirds. Three levels that include both ends sit at the two ends "
                    "and halfway between them.",
                ),
                Mistake(
                    "a percentage",
                    lambda s: 100 * float(encode(s["day"])),
                    "That is a percentage: the network reads the fraction itself, between 0 and 1.",
                ),
            ),
        ),
        explore="statland",
    ),
    Step(
        "loop",
        "One unit and a loop",
        "The network is one unit: it adds w1·x, w2·h and b1, and ReLU keeps the sum if it is "
        "positive. Its output h loops back into the next day's sum.",
        StatLandView(lambda s: [s["day"]], masked=lambda s: frozenset({"terms1", "h1", "y"})),
        lambda seed: (lambda day, b1: {"day": day, "weights": _weights(b1=b1)})(*_pick(seed, FIRST_DAY_VARIANTS)),
        Predict(
            lambda s: f"For the single day **{s['day']}**, what is h1?",
            _first_day,
            "Follow day 1's wires in the diagram: x goes up through × w1, h0 comes in through × w2, b1 is "
            "added, and ReLU keeps the sum if it is positive.",
            lambda s: "With h0 = 0 the loop adds nothing on the first day: h1 = ReLU(w1·x + b1).",
            mistakes=(
                Mistake(
                    "forgot ReLU",
                    _first_day_sum,
                    "That is the sum itself. ReLU keeps a sum only if it is positive, and makes it 0 otherwise.",
                ),
                Mistake(
                    "forgot b1",
                    lambda s: _first_day(s, b1=0.0),
                    "Close: the bias b1 is added to every day's sum too (see the sum box).",
                ),
                Mistake(
                    "forgot w1",
                    lambda s: max(0.0, float(encode(s["day"])) + s["weights"]["b1"]),
                    "The price goes in through the × w1 wire: it is multiplied by w1 before it is added.",
                ),
                Mistake(
                    "added w1",
                    lambda s: max(0.0, s["weights"]["w1"] + float(encode(s["day"])) + s["weights"]["b1"]),
                    "w1 multiplies the price; it is not added to it.",
                ),
                Mistake(
                    "went on to the output",
                    lambda s: s["weights"]["w3"] * _first_day(s) + s["weights"]["b2"],
                    "That is the output y = w3·h + b2. The question stops at h1, before the green wire.",
                ),
            ),
        ),
        explore="statland",
    ),
    Step(
        "unrolling",
        "Unrolling",
        "Unrolled, the loop becomes one copy of the unit per day, fed oldest day first. Every "
        "copy passes its h to the next; only the last copy's output is the prediction.",
        StatLandView(lambda s: list(s["days"]), masked=_last_masked),
        lambda seed: {
            "days": _pick(
                seed,
                (
                    ("high", "high", "high"),
                    ("low", "high", "medium"),
                    ("high", "high", "low"),
                    ("high", "low", "medium"),
                ),
            ),
            "weights": _weights(),
        },
        Predict(
            lambda s: f"What will the network output for **{_days_text(s['days'])}**?",
            _output,
            "The diagram gives every day but the last: take h from the day before, through × w2, into the last "
            "day's sum with w1·x and b1; then ReLU, then × w3 + b2.",
            lambda s: "Each copy passes its h on; the last copy's h, through w3 and b2, is the prediction.",
            mistakes=(
                Mistake(
                    "forgot w2·h",
                    lambda s: _output(s, w2=0.0),
                    "That leaves out what the earlier days carry in: the last sum also gets w2 times the day "
                    "before's h.",
                    reveals="M2",
                ),
                Mistake(
                    "newest first",
                    lambda s: _output(s, days=list(reversed(s["days"]))),
                    "That feeds the days newest first. The oldest day goes in first, on the left.",
                    reveals="M8",
                ),
                Mistake(
                    "day 1's output",
                    lambda s: _output(s, days=list(s["days"])[:1]),
                    "That is what day 1's h would give through w3 and b2. Only the last day's h does: the earlier "
                    "copies hand theirs on through w2.",
                    reveals="M9",
                ),
                Mistake(
                    "forgot ReLU",
                    _last_sum_through_w3,
                    "The last day's sum goes through ReLU before w3: a sum below 0 becomes 0.",
                ),
                Mistake(
                    "stopped at h",
                    _last_h,
                    "That is the last h. The output multiplies it by w3 and adds b2.",
                ),
            ),
        ),
        explore="statland",
    ),
    Step(
        "rules",
        "The four rules",
        _four_rules_text,
        StatLandView(lambda s: ["high", "medium"], rules=True),
        lambda seed: (lambda w: {"weights": w, "start_weights": dict(w)})(
            _weights(w1=_pick(seed, (1.8, 1.6, 2.0)), w2=_pick(seed // 3, (0.5, 0.2, -0.9)))
        ),
        Goal(
            _four_rules_prompt,
            _four_rules_met,
            "Watch high → medium: w2 times the first day's h must take away (almost) all of the medium day's "
            "w1·x, without pulling high → high down.",
            _four_rules_why,
        ),
        controls=WeightField("w2"),
        explore="statland",
    ),
    Step(
        "sharing",
        "Weight sharing",
        "Unrolled, the network makes one copy of the unit for each day. Look at each copy's wires.",
        StatLandView(lambda s: ["medium"] * int(s["n_days"])),
        lambda seed: {"n_days": _pick(seed, (3, 7, 10))},
        Choose(
            lambda s: f"Over **{s['n_days']} days**, how many parameters does training adjust?",
            (
                Option(
                    "5",
                    lambda s: network(_weights()).n_params == 5,
                    lambda s: (
                        "Right: five, whatever the number of days. Every copy's wires carry the same w1, "
                        "w2, b1, w3 and b2."
                    ),
                ),
                Option(
                    "{n_days}",
                    lambda s: network(_weights()).n_params == s["n_days"],
                    lambda s: (
                        f"{s['n_days']} is the number of copies. Read their wires: each says × w1 "
                        f"({number(rc.STATQUEST_WEIGHTS['w1'])}), the same number in every copy."
                    ),
                    reveals="M7",
                ),
                Option(
                    "5 × {n_days}",
                    lambda s: network(_weights()).n_params == 5 * s["n_days"],
                    lambda s: (
                        "That would be true if each copy had weights of its own. Change a weight on the "
                        "StatLand page: every copy changes with it."
                    ),
                    reveals="M1",
                ),
            ),
        ),
        controls=DaysSlider(),
        explore="statland",
    ),
    Step(
        "bptt",
        "Backpropagation through time",
        "To train, the error flows back through the copies. The diagram writes each day's piece of dL/dw2 "
        "under its input.",
        BPTTView(),
        lambda seed: (lambda days, w2: {"days": days, "target": "low", "weights": _weights(w2=w2)})(
            *_pick(seed, BPTT_VARIANTS)
        ),
        Predict(
            lambda s: (
                f"The target is **{s['target']}** ({LEVELS[s['target']]:g}), so L = (y − {LEVELS[s['target']]:g})². "
                f"For **{_days_text(s['days'])}**, what is dL/dw2?"
            ),
            _bptt_w2,
            "w2 is shared by every copy: read each day's dL/dw2 in the diagram.",
            lambda s: (
                "w2 is used on every day, so its gradient is every day's piece added up, exactly what the "
                "next training step uses."
            ),
            tolerance=0.02,
            relative=True,
            mistakes=(
                Mistake(
                    "only the last day",
                    lambda s: bptt_shares(s)[-1],
                    "That is the last day's piece only. Every day used w2, so every day's piece counts.",
                ),
                Mistake(
                    "sizes",
                    lambda s: sum(abs(v) for v in bptt_shares(s)),
                    "Add the pieces with their signs: a negative piece pulls the other way.",
                ),
            ),
        ),
        explore="training",
    ),
    Step(
        "exploding",
        "Exploding gradients",
        "Seen from the last day, an input n days back is scaled by w2ⁿ (and ReLU's slopes, 1 while on): 2ⁿ for w2 = 2.",
        LabView("inputs"),
        lambda seed: {"w2": _pick(seed, (1.0, 0.5)), "length": _pick(seed, (10, 5))},
        Goal(
            lambda s: "Make the first day's gradient exceed 10⁶ with **at most 20 days**.",
            lambda s: int(s["length"]) <= 20 and input_logs(s["w2"], int(s["length"]))[0] > 6,
            "Raise w2 above 1 first, then add days: each extra day multiplies the first day's gradient by w2.",
            lambda s: f"The first day's gradient is {from_log10(input_logs(s['w2'], int(s['length']))[0])}.",
        ),
        controls=LabKnobs(),
        explore="lab",
    ),
    Step(
        "vanishing",
        "Vanishing gradients",
        "With |w2| < 1 the same product shrinks instead: each day between an input and the end multiplies "
        "its pull by w2 once more.",
        LabView("inputs", masked=frozenset({"first"})),
        lambda seed: {"w2": 0.5, "length": _pick(seed, (10, 20, 30))},
        Predict(
            lambda s: (
                f"With w2 = 0.5 and **{s['length']} days**, by what factor does w2 alone scale the first day's pull?"
            ),
            _first_day_scale,
            "Count the days after the first: each multiplies the first day's pull by w2 once.",
            _first_day_why,
            tolerance=0.01,
            relative=True,
            mistakes=(
                Mistake(
                    "T powers",
                    lambda s: _w2_power(s, int(s["length"])),
                    "One factor too many: the first of T days has T − 1 days after it, and the last day none.",
                ),
                Mistake(
                    "multiplied",
                    lambda s: float(s["w2"]) * (int(s["length"]) - 1),
                    "Each later day multiplies by w2 again: that is a power, not w2 times the number of days.",
                ),
                Mistake(
                    "one factor",
                    lambda s: float(s["w2"]),
                    "That is one day's factor. Every day after the first multiplies by w2 again.",
                ),
                Mistake(
                    "inverted",
                    lambda s: 1.0 / _w2_power(s, int(s["length"]) - 1),
                    "That is how many times stronger the last day is. The first day's pull is the small one.",
                ),
            ),
        ),
        explore="lab",
    ),
    Step(
        "tradeoff",
        "The trade-off",
        general(
            "The heatmap colours the first day's pull for every w2 (across) and T (up). Drag w2 under it and "
            "read the diamond."
        ),
        LabView("heatmap", masked=frozenset({"first"})),
        # w2 = -1.5 switches the unit off on every other day: an odd length ends on a day it is on.
        lambda seed: dict(zip(("w2", "length"), _pick(seed, ((0.9, 100), (1.1, 100), (-1.5, 99))), strict=True)),
        Choose(
            lambda s: f"With w2 = {s['w2']} over {s['length']} days, what happens to the first day's gradient?",
            (
                Option("It fades towards 0", lambda s: _trade_off_class(s) == "fades", _trade_off_why),
                Option(
                    "It fades, and so does the newest's",
                    lambda s: False,  # the newest day's pull is |w1·w3| whatever w2 is
                    _newest_why,
                    reveals=lambda s: "M3" if _trade_off_class(s) == "fades" else "",
                ),
                Option(
                    "It explodes",
                    lambda s: _trade_off_class(s) == "explodes",
                    _trade_off_why,
                    reveals=lambda s: "M4" if abs(s["w2"]) > 1 else "",
                ),
                Option("It is exactly 0", lambda s: _trade_off_class(s) == "zero", _trade_off_why),
            ),
        ),
        explore="lab",
    ),
    Step(
        "remedies",
        "The remedies",
        general(
            "Clip the gradient, keep w2 near 1, or gate the cell; Transformers drop the chain. Set w2 = 0.9 to compare."
        ),
        LabView("gates", masked=frozenset({"notice"})),
        lambda seed: {"w2": rc.STATQUEST_WEIGHTS["w2"], "length": _pick(seed, (100, 200))},
        Choose(
            lambda s: f"Over {s['length']} days, which keeps the most of the first day's pull?",
            (
                Option(
                    "A GRU; it still fades",
                    lambda s: _remedy_best(s) == "gru" and _gru_fades(s),
                    lambda s: (
                        "Its update gate hands the old state on without w2 in the way: the first day keeps "
                        f"{from_log10(_remedies(s)['gru'])} of the last day's pull."
                    ),
                ),
                Option(
                    "A GRU; it no longer fades",
                    lambda s: _remedy_best(s) == "gru" and not _gru_fades(s),
                    lambda s: said(
                        f"The GRU keeps the most, but its first day keeps only {from_log10(_remedies(s)['gru'])} of "
                        "the last day's pull: its gates slow the fade without ending it.",
                        *(
                            claim(
                                kind,
                                w2=LESSON_W2,
                                length=int(s["length"]),
                                activation="relu",
                                model="gru",
                                gate_bias=GRU_UPDATE_BIAS,
                            )
                            for kind in ("fades", "gated_slower")
                        ),
                    ),
                    reveals="M5",
                ),
                Option(
                    "Clipping the gradient",
                    lambda s: _remedy_best(s) == "clipped",
                    lambda s: said(
                        "Clipping only shrinks a gradient that is too large, all of it at once: the first "
                        f"day's share stays {from_log10(_remedies(s)['clipped'])} of the last day's.",
                        claim(
                            "clip_keeps_direction",
                            w2=rc.STATQUEST_WEIGHTS["w2"],
                            length=int(s["length"]),
                            threshold=1.0,
                        ),
                    ),
                    reveals="M6",
                ),
                Option(
                    "w2 = 0.9",
                    lambda s: _remedy_best(s) == "w2 0.9",
                    lambda s: (
                        f"0.9 multiplied in {s['length'] - 1} times leaves the first day "
                        f"{from_log10(_remedies(s)['w2 0.9'])} of the last day's pull."
                    ),
                ),
            ),
        ),
        controls=LabKnobs(presets=False),
        explore="lab",
    ),
)


def step_number(raw, total: int = len(STEPS)) -> tuple[int, str | None]:
    """The step a link asks for (1-based, or by its key: ``?step=rules``) and a note when the value
    was not a valid step."""
    keys = {step.key: n for n, step in enumerate(STEPS, start=1)}
    if str(raw) in keys:
        return keys[str(raw)], None
    try:
        number_ = int(str(raw))
    except (TypeError, ValueError):
        return 1, f"There is no step {raw!r}; the lesson opens at step 1."
    if not 1 <= number_ <= total:
        return 1, f"There is no step {number_}; the lesson has steps 1 to {total}."
    return number_, None


def words_of(step: Step, state: State) -> int:
    """How many words a learner reads on the step: its text and its challenge's prompt."""
    prompt = as_said(step.challenge.prompt(state)).text
    return len(step.words(state).text.split()) + len(prompt.replace("**", "").split())
