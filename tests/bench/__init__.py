"""The benchmark suite behind ``make bench`` (``python -m tests.bench``).

Modules are named ``bench_*.py`` so pytest (which collects ``test_*.py``) never runs them. Every
number is reported next to a floor measured in the same run on the same machine, and
``docs/performance.md`` is rewritten from scratch by each run.
"""
