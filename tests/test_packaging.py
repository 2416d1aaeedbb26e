"""What `pip install stancewatch` brings must run: trafilatura needs lxml.html.clean from lxml_html_clean."""

from __future__ import annotations

import re
from importlib.metadata import requires


def test_lxml_html_clean_is_a_direct_dependency_and_trafilatura_imports() -> None:
    # justext asks for it as "lxml[html_clean]", an extra name that installers which do not normalise
    # extra names (pip 23) skip: then trafilatura fails on import
    names = {
        re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()
        for requirement in requires("stancewatch") or []
    }
    assert "lxml_html_clean" in names or "lxml-html-clean" in names
    import trafilatura

    assert trafilatura.extract(
        "<html><body><p>" + "Qatar said talks would resume. " * 4 + "</p></body></html>"
    )
