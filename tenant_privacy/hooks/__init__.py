"""Hooks into the host's SQLAlchemy session: entry points driven by the host's own
writes rather than by a request or a command.

- :mod:`.automatch`: match a person record again after a commit that touched it.
"""
