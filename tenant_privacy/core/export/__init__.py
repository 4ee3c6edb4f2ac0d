"""The disclosure bundle, as pure writers: data in, files out; no Flask, no database.

- :mod:`.json_writer`: ``data.json`` written record by record (schema
  ``tenant_privacy/schemas/export-v1.schema.json``, documented in
  ``docs/export-format.md``);
- :mod:`.html_writer`: ``index.html``, self-contained, for people;
- :mod:`.bundle`: the zip of both and ``manifest.json``, written under a temporary
  name and renamed only when complete.
"""

from .bundle import SCHEMA_VERSION
from .bundle import BundleWriter
from .bundle import Section

__all__ = ["SCHEMA_VERSION", "BundleWriter", "Section"]
