"""Shared pieces every page uses: number formatting, chart builders, widgets, session-state keys."""
