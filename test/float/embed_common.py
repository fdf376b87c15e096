"""Copy externals/primitives/float/common.sv + common_ops.sv into every float unit's .sv file.

Each unit file must be self-contained (a Calyx ``extern`` block names one file), so it
carries the shared modules between two marker lines; common.sv and common_ops.sv stay the
only place they are edited. Run ``python test/float/embed_common.py`` after editing them;
``--check`` exits non-zero when a copy is stale (the pytest suite runs that check).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FLOAT_DIR = Path(__file__).resolve().parents[2] / "externals" / "primitives" / "float"
UNITS = (
    "addFN",
    "mulFN",
    "compareFN",
    "divSqrtFN",
    "fpToInt",
    "intToFp",
    "pipelined_addFN",
    "pipelined_mulFN",
    "pipelined_fpToInt",
    "pipelined_intToFp",
    "pipelined_divSqrtFN",
)
BEGIN = "// ---- BEGIN common.sv (generated copy: edit common.sv, run test/float/embed_common.py)\n"
END = "// ---- END common.sv\n"


def embedded_text(unit_text: str, common: str) -> str:
    """Return ``unit_text`` with its copy of common.sv replaced by ``common`` (or appended)."""
    start = unit_text.find(BEGIN)
    if start < 0:
        return unit_text.rstrip("\n") + "\n\n" + BEGIN + common + END
    stop = unit_text.index(END, start) + len(END)
    return unit_text[:start] + BEGIN + common + END + unit_text[stop:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale copies")
    args = parser.parse_args(argv)
    # common.sv opens the include guard that common_ops.sv closes: one block, in this order
    common = "".join((FLOAT_DIR / name).read_text() for name in ("common.sv", "common_ops.sv"))
    stale = []
    for unit in UNITS:
        path = FLOAT_DIR / f"{unit}.sv"
        if not path.exists():
            continue
        old = path.read_text()
        new = embedded_text(old, common)
        if new != old:
            stale.append(path.name)
            if not args.check:
                path.write_text(new)
    if args.check and stale:
        print(f"stale copy of common.sv in: {', '.join(stale)}; run {__file__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
