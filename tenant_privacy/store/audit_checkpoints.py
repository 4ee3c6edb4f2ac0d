"""Checkpoint files of the audit heads: one JSON document per checkpoint, on disk.

The folder (``TENANT_PRIVACY_AUDIT_CHECKPOINT_DIR``) holds one sub-folder per tenant
and in it one file per checkpoint, ``<seq, 20 digits>-<UTC time>.json``. A file is
written under a temporary name in the same folder, flushed to disk and renamed, so a
reader never sees half a checkpoint. What a file says is checked by its signature
(:func:`tenant_privacy.core.audit_chain.open_checkpoint`), never by its name.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import typing as t
from pathlib import Path

_SAFE_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def tenant_folder(root: Path, tenant: str) -> Path:
    """The folder of *tenant*'s checkpoints: the key itself if it is a plain name,
    else ``~`` and a hash of it (``~`` never starts a plain name)."""
    if _SAFE_TENANT.match(tenant) and tenant not in (".", ".."):
        return root / tenant
    return root / ("~" + hashlib.sha256(tenant.encode("utf-8")).hexdigest()[:32])


def write(root: Path, tenant: str, name: str, document: t.Mapping[str, t.Any]) -> Path:
    """Write *document* as ``<tenant folder>/<name>.json`` (temp file, fsync, rename).

    :returns: the path written.
    """
    folder = tenant_folder(Path(root), tenant)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.json"
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            json.dump(document, out, sort_keys=True, indent=1)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself, on file systems that can
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target


def read_all(root: Path, tenant: str) -> list[tuple[str, t.Any]]:
    """Every checkpoint file of *tenant* as ``(file name, decoded JSON)``; a file
    that is not JSON gives ``None``. Temporary files (``.…``) are skipped."""
    folder = tenant_folder(Path(root), tenant)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            document = None
        found.append((path.name, document))
    return found
