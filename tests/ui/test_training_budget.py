"""The server's training budget: playing sessions take turns in order, together use at most their
share of the time, and each refresh's time box shrinks as more play. A fake clock keeps the
arithmetic exact; two threads show the turns are taken one at a time."""

from __future__ import annotations

import threading
import time

import pytest

from ui.training.budget import TrainingBudget


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_after_a_turn_the_next_waits_so_turns_use_at_most_their_share():
    clock = FakeClock()
    budget = TrainingBudget(share=0.25, clock=clock, poll=0.0)
    with budget.turn("a"):
        clock.now += 0.1  # a refresh of 0.1 s
    assert budget._free_at == pytest.approx(100.1 + 0.1 * 3)  # busy 1 part in 4
    waited: list[float] = []

    def tick() -> None:  # called while waiting: the clock moves on as the page would
        waited.append(clock.now)
        clock.now += 0.05

    with budget.turn("b", between=tick):
        began = clock.now
    assert began >= 100.4 - 1e-9 and waited, "the next turn began only once the share allowed it"


def test_the_time_box_is_shared_by_the_sessions_that_played_lately():
    clock = FakeClock()
    budget = TrainingBudget(window=3.0, clock=clock, poll=0.0, share=1.0)
    assert budget.time_box(0.2) == pytest.approx(0.2)  # alone: the whole box
    for who in "abcd":
        with budget.turn(who):
            pass
    assert budget.players() == 4 and budget.time_box(0.2) == pytest.approx(0.05)
    clock.now += 3.5  # nobody played for longer than the window
    assert budget.players() == 1 and budget.time_box(0.2) == pytest.approx(0.2)


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never came"
        time.sleep(0.001)


def test_turns_are_taken_one_at_a_time_in_order_of_arrival():
    budget = TrainingBudget(share=1.0, poll=0.01)
    inside, order, overlaps = [], [], []
    first_inside, release_first = threading.Event(), threading.Event()

    def refresh(who: str) -> None:
        with budget.turn(who):
            if inside:
                overlaps.append(who)
            inside.append(who)
            order.append(who)
            first_inside.set()
            if who == "first":
                release_first.wait(5)  # until both others wait in the queue
            inside.remove(who)

    first = threading.Thread(target=refresh, args=("first",))
    first.start()
    assert first_inside.wait(5)
    later = []
    for waiting, name in enumerate(("second", "third"), start=1):
        later.append(threading.Thread(target=refresh, args=(name,)))
        later[-1].start()
        wait_until(lambda n=waiting: len(budget._queue) == n)  # "second" queued before "third" starts
    release_first.set()
    for thread in [first, *later]:
        thread.join(5)
    assert order == ["first", "second", "third"] and overlaps == []


def test_a_click_while_waiting_gives_the_place_up():
    clock = FakeClock()
    budget = TrainingBudget(share=0.5, clock=clock, poll=0.0)
    with budget.turn("a"):
        clock.now += 1.0  # the next may begin only a second from now

    def click() -> None:
        raise KeyboardInterrupt  # what Streamlit raises at a waiting point is any exception

    with pytest.raises(KeyboardInterrupt), budget.turn("b", between=click):
        pass
    assert not budget._queue, "nobody is left waiting in its place"
    clock.now += 1.0
    with budget.turn("c"):  # the next session gets its turn
        pass


def test_a_share_outside_0_to_1_is_refused():
    for share in (0, -0.5, 1.5):
        with pytest.raises(ValueError):
            TrainingBudget(share=share)
