"""Regenerate the corpus programs test/calyx/corpus/circt1162_*.futil with upstream CIRCT.

Each ``<name>.mlir`` here is loop-level MLIR (func/scf/arith/memref). This script runs
CIRCT's own passes on it, ``flatten-memref`` then ``lower-scf-to-calyx{top-level-function=
main}``, and takes the Calyx text CIRCT's exporter writes (``calyx-native`` writes the program
to a temporary file and calls the ``calyx`` compiler on it; a stand-in ``calyx`` on PATH copies
that file and stops, so no Calyx compiler is involved). ``scf.for`` loops that carry values
are first rewritten by MLIR's ``--scf-for-to-while`` (this project's ``t2c-opt``), which the
CIRCT wheel does not register. The output is written unchanged after a two-line header.

Needs the PyPI wheel ``circt==1.162.0``, which exists for CPython >= 3.13 only, so it is not
part of CI; run it with a Python 3.13 that has the wheel:

    python3.13 -m venv /tmp/circt-venv && /tmp/circt-venv/bin/pip install circt==1.162.0
    /tmp/circt-venv/bin/python test/calyx/circt/regenerate.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CORPUS = HERE.parent / "corpus"
T2C_OPT = ROOT / ".venv" / "bin" / "t2c-opt"
PIPELINE = "builtin.module(flatten-memref,lower-scf-to-calyx{top-level-function=main},calyx-native)"
STAND_IN = """#!/bin/sh
# stands in for the Calyx compiler: keep the program CIRCT exported ($1), then stop
cp "$1" "$T2C_CAPTURE"
exit 1
"""


def export(mlir_text: str, capture: Path) -> None:
    """Run CIRCT's pipeline on ``mlir_text``; the exported Calyx lands in ``capture``."""
    import circt
    from circt import ir, passmanager

    with ir.Context() as ctx:
        circt.register_dialects(ctx)
        # a first run on a trivial module loads the dialects the passes depend on (memref
        # among them), which the bindings do not register for parsing
        warm = ir.Module.parse("func.func @main() { return }")
        try:
            passmanager.PassManager.parse(PIPELINE).run(warm.operation)
        except Exception:  # the trivial module is rejected; only its side effect matters
            pass
        module = ir.Module.parse(mlir_text)
        try:
            passmanager.PassManager.parse(PIPELINE).run(module.operation)
        except Exception:  # calyx-native fails once the stand-in has copied the program
            pass
    if not capture.is_file():
        raise SystemExit("CIRCT did not export a Calyx program")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shim = Path(tmp) / "calyx"
        shim.write_text(STAND_IN)
        shim.chmod(0o755)
        os.environ["PATH"] = f"{tmp}:{os.environ['PATH']}"
        for src in sorted(HERE.glob("*.mlir")):
            loops = Path(tmp) / f"{src.stem}.while.mlir"
            subprocess.run(
                [str(T2C_OPT), "--scf-for-to-while", str(src), "-o", str(loops)], check=True
            )
            capture = Path(tmp) / f"{src.stem}.futil"
            os.environ["T2C_CAPTURE"] = str(capture)
            export(loops.read_text(), capture)
            out = CORPUS / f"circt1162_{src.stem}.futil"
            header = (
                "// Exported by upstream CIRCT 1.162 (PyPI circt) from "
                f"test/calyx/circt/{src.name}\n"
                "// by test/calyx/circt/regenerate.py; everything below is CIRCT's output, "
                "unchanged.\n"
            )
            out.write_text(header + capture.read_text())
            print(f"wrote {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
