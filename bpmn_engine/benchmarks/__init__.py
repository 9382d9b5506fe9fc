"""Benchmarks that print figures; run with ``manage.py bench``. Never timed tests."""
