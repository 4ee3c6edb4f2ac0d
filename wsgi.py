"""WSGI entry point of the demo host: ``flask --app wsgi run``."""

from demo import create_app

app = create_app()
