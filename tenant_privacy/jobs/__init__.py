"""Background jobs: the entry points of work that does not fit in a request.

- :mod:`.lifecycle`: the one lifecycle every job row goes through;
- :mod:`.runner`: inline and rq runners, the worker entry point;
- :mod:`.catalog`: every job function by name;
- one module per capability holding its job functions (:mod:`.duplicates`).

Entry points hand work over with ``current_privacy.jobs.enqueue(name, **ids)``.
"""
