"""Live training's share of the server, so a class pressing Play at once leaves the app usable.

Every playing session refreshes its charts a few times a second, and each refresh trains and
draws on the one interpreter that also answers every other click on the server. Left alone,
thirty playing sessions ask for several times the interpreter's time and everyone waits. Here
the playing sessions' refreshes take turns, first come first served, and after each one the
next waits long enough that together they use at most ``share`` of the time; each refresh's
training time box shrinks as more sessions play. Clicks that are not live refreshes never
wait here. Nothing here imports Streamlit: the page shares one budget per server
(``st.cache_resource``) and passes it to the fragment that refreshes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager


class TrainingBudget:
    """Turns for live refreshes: one at a time, in order of arrival, together at most ``share`` of the time.

    A session counts as playing while it has taken a turn within the last ``window`` seconds.
    """

    def __init__(
        self,
        share: float = 0.5,
        window: float = 3.0,
        poll: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ):
        if not 0 < share <= 1:
            raise ValueError("share is a fraction of the time, above 0 and at most 1")
        self.share, self.window, self.poll, self._clock = share, window, poll, clock
        self._changed = threading.Condition()
        self._queue: deque[object] = deque()  # tickets waiting for a turn, oldest first
        self._busy = False
        self._free_at = 0.0  # when the next turn may begin
        self._seen: dict[Hashable, float] = {}  # player -> when its last turn began

    def players(self) -> int:
        """How many sessions are playing (took a turn within ``window`` seconds); at least 1."""
        with self._changed:
            now = self._clock()
            for who in [w for w, began in self._seen.items() if now - began > self.window]:
                del self._seen[who]
            return max(1, len(self._seen))

    def time_box(self, seconds: float) -> float:
        """A refresh's training time box: ``seconds`` shared among the sessions playing."""
        return seconds / self.players()

    @contextmanager
    def turn(self, who: Hashable, between: Callable[[], None] | None = None) -> Iterator[None]:
        """Wait for this session's turn (calling ``between()`` about every ``poll`` seconds while
        waiting, where a page can be interrupted), refresh inside the ``with``, then set when the
        next turn may begin. An exception while waiting gives the place in the queue up."""
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
        last_called = self._clock()
        try:
            while True:
                with self._changed:
                    now = self._clock()
                    if self._queue[0] is ticket and not self._busy and now >= self._free_at:
                        self._queue.popleft()
                        self._busy = True
                        self._seen[who] = now
                        break
                    wait = self.poll
                    if self._queue[0] is ticket and not self._busy:
                        wait = min(wait, self._free_at - now)
                    self._changed.wait(max(wait, 0.0))
                if between is not None and self._clock() - last_called >= self.poll:
                    last_called = self._clock()  # woken by every turn that ends: call it once a poll
                    between()
        except BaseException:
            with self._changed:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                self._changed.notify_all()
            raise
        began = self._clock()
        try:
            yield
        finally:
            with self._changed:
                ended = self._clock()
                self._busy = False
                self._free_at = ended + (ended - began) * (1 - self.share) / self.share
                self._changed.notify_all()
