"""The StatLand page's controls that links set, lock and hide: the number of days, each day's price
level and the five shared weights."""

from __future__ import annotations

import rnn_core as rc
from rnn_core.data import LEVELS
from ui.classroom.linkable import Linkable

MAX_DAYS = 10
WORDS = tuple(LEVELS)  # low, medium, high
DAYS = Linkable("sl_", "days", low=2, high=MAX_DAYS)
DAY = {day: Linkable("sl_", f"day{day}", options=WORDS) for day in range(1, MAX_DAYS + 1)}
WEIGHTS = {name: Linkable("sl_", name) for name in rc.PARAM_NAMES}  # any finite number: the page checks it
