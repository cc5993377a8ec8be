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

import rnn_core as rc
from rnn_core.data import LEVELS, encode
from ui.claims import claim, general, said
from ui.claims.lab import input_logs
from ui.kit.format import from_log10, number
from ui.lab.model import LESSON_W2
from ui.lesson.challenges import (
    Choose,
    Goal,
    Mistake,
    Option,
    Predict,
    State,
    as_said,
)
from ui.lesson.facts import (  # noqa: F401 - network, bptt_shares, VIDEO_TITLE: used from here
    BPTT_VARIANTS,
    FIRST_DAY_VARIANTS,
    GRU_UPDATE_BIAS,
    VIDEO_TITLE,
    bptt_shares,
    bptt_w2,
    days_text,
    first_day_h,
    first_day_scale,
    first_day_sum,
    first_day_why,
    four_rules_met,
    four_rules_prompt,
    four_rules_text,
    four_rules_why,
    gru_fades,
    last_h,
    last_masked,
    last_sum_through_w3,
    level_position,
    network,
    newest_why,
    output_for,
    pick_variant,
    prediction,
    remedies_of,
    remedy_best,
    scale_days,
    scale_masked,
    trade_off_class,
    trade_off_why,
    w2_power,
    weights_with,
)
from ui.lesson.step import BPTTView, DaysSlider, LabKnobs, LabView, StatLandView, Step, WeightField

STEPS: tuple[Step, ...] = (
    Step(
        "scaling",
        "Prices become numbers",
        "A network only reads numbers, so StatLand's three price levels become numbers on one scale. "
        "The diagram shows two of them going in.",
        StatLandView(scale_days, masked=scale_masked),
        lambda seed: {"day": pick_variant(seed, ("medium", "high", "low"))},
        Predict(
            lambda s: f"Which number does a **{s['day']}** day enter the network as?",
            lambda s: float(encode(s["day"])),
            "Read the x of the other two days in the diagram: the three levels sit evenly on one scale.",
            lambda s: "Low is 0, medium 0.5 and high 1: the scale runs from the lowest price to the highest.",
            tolerance=0.001,
            mistakes=(
                Mistake(
                    "counted the levels",
                    level_position,
                    "That counts the levels 1, 2, 3. The scale puts them on one line from the lowest price to the "
                    "highest: read the other two days' x.",
                ),
                Mistake(
                    "split into thirds",
                    lambda s: level_position(s) / 3,
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
        lambda seed: (lambda day, b1: {"day": day, "weights": weights_with(b1=b1)})(
            *pick_variant(seed, FIRST_DAY_VARIANTS)
        ),
        Predict(
            lambda s: f"For the single day **{s['day']}**, what is h1?",
            first_day_h,
            "Follow day 1's wires in the diagram: x goes up through × w1, h0 comes in through × w2, b1 is "
            "added, and ReLU keeps the sum if it is positive.",
            lambda s: "With h0 = 0 the loop adds nothing on the first day: h1 = ReLU(w1·x + b1).",
            mistakes=(
                Mistake(
                    "forgot ReLU",
                    first_day_sum,
                    "That is the sum itself. ReLU keeps a sum only if it is positive, and makes it 0 otherwise.",
                ),
                Mistake(
                    "forgot b1",
                    lambda s: first_day_h(s, b1=0.0),
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
                    lambda s: s["weights"]["w3"] * first_day_h(s) + s["weights"]["b2"],
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
        StatLandView(lambda s: list(s["days"]), masked=last_masked),
        lambda seed: {
            "days": pick_variant(
                seed,
                (
                    ("high", "high", "high"),
                    ("low", "high", "medium"),
                    ("high", "high", "low"),
                    ("high", "low", "medium"),
                ),
            ),
            "weights": weights_with(),
        },
        Predict(
            lambda s: f"What will the network output for **{days_text(s['days'])}**?",
            output_for,
            "The diagram gives every day but the last: take h from the day before, through × w2, into the last "
            "day's sum with w1·x and b1; then ReLU, then × w3 + b2.",
            lambda s: "Each copy passes its h on; the last copy's h, through w3 and b2, is the prediction.",
            mistakes=(
                Mistake(
                    "forgot w2·h",
                    lambda s: output_for(s, w2=0.0),
                    "That leaves out what the earlier days carry in: the last sum also gets w2 times the day "
                    "before's h.",
                    reveals="M2",
                ),
                Mistake(
                    "newest first",
                    lambda s: output_for(s, days=list(reversed(s["days"]))),
                    "That feeds the days newest first. The oldest day goes in first, on the left.",
                    reveals="M8",
                ),
                Mistake(
                    "day 1's output",
                    lambda s: output_for(s, days=list(s["days"])[:1]),
                    "That is what day 1's h would give through w3 and b2. Only the last day's h does: the earlier "
                    "copies hand theirs on through w2.",
                    reveals="M9",
                ),
                Mistake(
                    "forgot ReLU",
                    last_sum_through_w3,
                    "The last day's sum goes through ReLU before w3: a sum below 0 becomes 0.",
                ),
                Mistake(
                    "stopped at h",
                    last_h,
                    "That is the last h. The output multiplies it by w3 and adds b2.",
                ),
            ),
        ),
        explore="statland",
    ),
    Step(
        "rules",
        "The four rules",
        four_rules_text,
        StatLandView(lambda s: ["high", "medium"], rules=True),
        lambda seed: (lambda w: {"weights": w, "start_weights": dict(w)})(
            weights_with(w1=pick_variant(seed, (1.8, 1.6, 2.0)), w2=pick_variant(seed // 3, (0.5, 0.2, -0.9)))
        ),
        Goal(
            four_rules_prompt,
            four_rules_met,
            "Watch high → medium: w2 times the first day's h must take away (almost) all of the medium day's "
            "w1·x, without pulling high → high down.",
            four_rules_why,
        ),
        controls=WeightField("w2"),
        explore="statland",
    ),
    Step(
        "sharing",
        "Weight sharing",
        "Unrolled, the network makes one copy of the unit for each day. Look at each copy's wires.",
        StatLandView(lambda s: ["medium"] * int(s["n_days"])),
        lambda seed: {"n_days": pick_variant(seed, (3, 7, 10))},
        Choose(
            lambda s: f"Over **{s['n_days']} days**, how many parameters does training adjust?",
            (
                Option(
                    "5",
                    lambda s: network(weights_with()).n_params == 5,
                    lambda s: (
                        "Right: five, whatever the number of days. Every copy's wires carry the same w1, "
                        "w2, b1, w3 and b2."
                    ),
                ),
                Option(
                    "{n_days}",
                    lambda s: network(weights_with()).n_params == s["n_days"],
                    lambda s: (
                        f"{s['n_days']} is the number of copies. Read their wires: each says × w1 "
                        f"({number(rc.STATQUEST_WEIGHTS['w1'])}), the same number in every copy."
                    ),
                    reveals="M7",
                ),
                Option(
                    "5 × {n_days}",
                    lambda s: network(weights_with()).n_params == 5 * s["n_days"],
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
        lambda seed: (lambda days, w2: {"days": days, "target": "low", "weights": weights_with(w2=w2)})(
            *pick_variant(seed, BPTT_VARIANTS)
        ),
        Predict(
            lambda s: (
                f"The target is **{s['target']}** ({LEVELS[s['target']]:g}), so L = (y − {LEVELS[s['target']]:g})². "
                f"For **{days_text(s['days'])}**, what is dL/dw2?"
            ),
            bptt_w2,
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
        lambda seed: {"w2": pick_variant(seed, (1.0, 0.5)), "length": pick_variant(seed, (10, 5))},
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
        lambda seed: {"w2": 0.5, "length": pick_variant(seed, (10, 20, 30))},
        Predict(
            lambda s: (
                f"With w2 = 0.5 and **{s['length']} days**, by what factor does w2 alone scale the first day's pull?"
            ),
            first_day_scale,
            "Count the days after the first: each multiplies the first day's pull by w2 once.",
            first_day_why,
            tolerance=0.01,
            relative=True,
            mistakes=(
                Mistake(
                    "T powers",
                    lambda s: w2_power(s, int(s["length"])),
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
                    lambda s: 1.0 / w2_power(s, int(s["length"]) - 1),
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
        lambda seed: dict(zip(("w2", "length"), pick_variant(seed, ((0.9, 100), (1.1, 100), (-1.5, 99))), strict=True)),
        Choose(
            lambda s: f"With w2 = {s['w2']} over {s['length']} days, what happens to the first day's gradient?",
            (
                Option("It fades towards 0", lambda s: trade_off_class(s) == "fades", trade_off_why),
                Option(
                    "It fades, and so does the newest's",
                    lambda s: False,  # the newest day's pull is |w1·w3| whatever w2 is
                    newest_why,
                    reveals=lambda s: "M3" if trade_off_class(s) == "fades" else "",
                ),
                Option(
                    "It explodes",
                    lambda s: trade_off_class(s) == "explodes",
                    trade_off_why,
                    reveals=lambda s: "M4" if abs(s["w2"]) > 1 else "",
                ),
                Option("It is exactly 0", lambda s: trade_off_class(s) == "zero", trade_off_why),
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
        lambda seed: {"w2": rc.STATQUEST_WEIGHTS["w2"], "length": pick_variant(seed, (100, 200))},
        Choose(
            lambda s: f"Over {s['length']} days, which keeps the most of the first day's pull?",
            (
                Option(
                    "A GRU; it still fades",
                    lambda s: remedy_best(s) == "gru" and gru_fades(s),
                    lambda s: (
                        "Its update gate hands the old state on without w2 in the way: the first day keeps "
                        f"{from_log10(remedies_of(s)['gru'])} of the last day's pull."
                    ),
                ),
                Option(
                    "A GRU; it no longer fades",
                    lambda s: remedy_best(s) == "gru" and not gru_fades(s),
                    lambda s: said(
                        f"The GRU keeps the most, but its first day keeps only {from_log10(remedies_of(s)['gru'])} of "
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
                    lambda s: remedy_best(s) == "clipped",
                    lambda s: said(
                        "Clipping only shrinks a gradient that is too large, all of it at once: the first "
                        f"day's share stays {from_log10(remedies_of(s)['clipped'])} of the last day's.",
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
                    lambda s: remedy_best(s) == "w2 0.9",
                    lambda s: (
                        f"0.9 multiplied in {s['length'] - 1} times leaves the first day "
                        f"{from_log10(remedies_of(s)['w2 0.9'])} of the last day's pull."
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
