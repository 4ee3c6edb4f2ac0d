"""Development data for tests and benchmarks; not part of the installed package.

:mod:`devdata.synthetic` generates Norwegian CRM registrations with known
duplicates. Tests import it through pytest's ``pythonpath = ["."]``, the
scripts under ``bench/`` through the project root they put on ``sys.path``.
``setup.cfg`` packages only ``tenant_privacy*``, so none of this is in the wheel.
"""
