"""linkchecker finds no broken internal link or anchor in the built site."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.conftest import ROOT, run_tool


def test_no_broken_internal_links_or_anchors(site_url: str, built_site: Path) -> None:
    result = run_tool(
        [sys.executable, "-m", "linkcheck", "--config", str(ROOT / ".linkcheckerrc"),
         "--no-status", site_url],
    )
    # linkchecker exits 1 when it found errors; its report names each broken URL.
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 errors found" in result.stdout
    # A missing anchor is a linkchecker *warning* (AnchorCheck plugin); treat it as broken.
    assert "0 warnings found" in result.stdout, result.stdout[-6000:]
