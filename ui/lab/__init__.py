"""The Gradient lab: its settings, numbers, chart specs, views and sentences."""
