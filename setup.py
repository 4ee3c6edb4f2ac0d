"""Build hook: compile the gettext catalogs into .mo files inside the wheel."""

from __future__ import annotations

import pathlib

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """Compile ``tenant_privacy/translations/*/LC_MESSAGES/*.po`` before building."""

    def run(self) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = pathlib.Path(__file__).parent / "tenant_privacy" / "translations"
        for po_path in root.glob("*/LC_MESSAGES/*.po"):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
