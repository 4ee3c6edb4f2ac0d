"""The disclosure zip: ``index.html``, ``data.json`` and ``manifest.json``.

Both documents are streamed to temporary files beside the target, then zipped; the
zip is written under a temporary name, flushed to disk and renamed only when
complete, so a process killed mid-build leaves nothing that could be served.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import tempfile
import typing as t
import zipfile
from dataclasses import dataclass

from .html_writer import HtmlWriter
from .json_writer import JsonWriter

__all__ = ["SCHEMA_VERSION", "BundleWriter", "Section"]

#: Version of the ``data.json`` format (``schemas/export-v1.schema.json``).
SCHEMA_VERSION = 1
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Section:
    """One source in the bundle: its key, label, kind and number of records."""

    key: str
    label: str
    kind: str
    count: int

    @property
    def anchor(self) -> str:
        """The HTML anchor of its section."""
        return f"source-{self.key}"


class _Counting:
    """A text file that counts the UTF-8 bytes written to it."""

    def __init__(self, path: pathlib.Path) -> None:
        self.file = path.open("w", encoding="utf-8")
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode("utf-8"))
        return self.file.write(text)


class BundleWriter:
    """Streams one export into the zip at *target*.

    :param max_bytes: past this many bytes of documents no further record is
        written and the export says it was cut (``truncated``).
    :param words: the HTML page's fixed words (see :class:`.html_writer.HtmlWriter`).
    """

    def __init__(
        self,
        target: pathlib.Path,
        *,
        max_bytes: int,
        words: t.Mapping[str, str],
        lang: str,
    ) -> None:
        self.target = target
        self.max_bytes = max_bytes
        self.truncated = False
        self.records = 0
        #: the finished zip's size and sha256 (set by :meth:`finish`)
        self.zip_size = 0
        self.zip_sha256 = ""
        self._dir = pathlib.Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
        self._json_file = _Counting(self._dir / "data.json")
        self._html_file = _Counting(self._dir / "index.html")
        self.json = JsonWriter(t.cast(t.TextIO, self._json_file))
        self.html = HtmlWriter(t.cast(t.TextIO, self._html_file), words, lang)

    # -- writing ------------------------------------------------------------------
    def begin(
        self,
        header: t.Mapping[str, t.Any],
        heading: str,
        meta: t.Sequence[str],
        sections: t.Sequence[Section],
    ) -> None:
        """Open both documents: the JSON header, the page's heading and contents."""
        self.json.begin({"schema_version": SCHEMA_VERSION, **header})
        self.html.begin(
            heading, meta, [(s.anchor, s.label, s.count) for s in sections if s.count]
        )

    def begin_source(self, section: Section) -> None:
        """Open the sections of one source in both documents."""
        self.json.begin_source(section.key, section.label, section.kind)
        self.html.begin_source(section.anchor, section.label)

    def add(
        self,
        record: t.Mapping[str, t.Any],
        title: str,
        labelled: t.Sequence[tuple[str, t.Any]],
        about: t.Sequence[str] = (),
    ) -> bool:
        """Write one record to both documents; False (and nothing written) once the
        size limit is reached."""
        if self.truncated or self.size > self.max_bytes:
            self.truncated = True
            return False
        self.json.record(record)
        self.html.record(title, labelled, about)
        self.records += 1
        return True

    def end_source(self) -> None:
        """Close the current source's sections."""
        self.json.end_source()
        self.html.end_source()

    @property
    def size(self) -> int:
        """Bytes of both documents written so far."""
        return self._json_file.bytes + self._html_file.bytes

    # -- finishing ----------------------------------------------------------------
    def finish(self, trailer: t.Mapping[str, t.Any]) -> tuple[int, str]:
        """Close the documents, write the zip under a temporary name and rename it
        to the target. Returns the zip's size and sha256."""
        self.json.end({"truncated": self.truncated, **trailer})
        self.html.end(self.truncated)
        for f in (self._json_file, self._html_file):
            f.file.close()
        parts = [self._dir / "index.html", self._dir / "data.json"]
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "files": [
                {"name": p.name, "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in parts
            ],
        }
        partial = self._dir / "bundle.zip.part"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for p in parts:
                zf.write(p, p.name)
            zf.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, self.target)
        self.discard()
        self.zip_size = self.target.stat().st_size
        self.zip_sha256 = _sha256(self.target)
        return self.zip_size, self.zip_sha256

    def discard(self) -> None:
        """Remove the temporary files (after :meth:`finish`, or on failure)."""
        for f in (self._json_file, self._html_file):
            if not f.file.closed:
                f.file.close()
        if not self._dir.exists():
            return
        for path in self._dir.glob("*"):
            path.unlink(missing_ok=True)
        self._dir.rmdir()


def _sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
