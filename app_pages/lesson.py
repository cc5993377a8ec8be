"""Lesson: the StatQuest lesson step by step, each step with a challenge checked by rnn_core.

One step per screen (``/lesson?step=N``); the views are the StatLand, Training and Gradient
lab sections, shown with the step's settings.
"""

from ui.lab.controls import compact_top
from ui.lesson import view as lesson_view

# No page title: the progress line names the lesson, and each step's own heading leads.
compact_top()
lesson_view.show_lesson()
