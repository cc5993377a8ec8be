"""Unrolled's benchmarks: ``python bench/run.py`` for the speed figures, ``python bench/load.py`` for load."""
