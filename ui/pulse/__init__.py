"""The class pulse: a class's predictions stored per question and round, and their spread for the projector."""
