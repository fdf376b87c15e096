"""Shared paths and helpers of the Calyx tests (imported by test_calyx*.py and test_sim*.py)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CALYX = ROOT / "test" / "calyx"
CORPUS = sorted((CALYX / "corpus").glob("*.futil"))
ERRORS = sorted((CALYX / "errors").glob("*.futil"))
GOLDEN = sorted((CALYX / "golden").glob("*.futil"))


def load_json(path: Path) -> dict:
    """Parse a JSON file."""
    return json.loads(path.read_text())
