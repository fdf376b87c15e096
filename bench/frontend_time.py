"""Front-end time per model: PyTorch -> loop-level MLIR.

Prints, for every example model (and with --zoo every layer-zoo case):
  lower     seconds spent in torch2calyx.frontend.lower() in a warm process
            (PyTorch, torch-mlir and torch2calyx already imported)
  cold      wall time of a fresh `python` process that imports everything, loads the model
            file and lowers it (PyTorch import included), split into import and first lower
The import time of torch + torch_mlir + torch2calyx.frontend is printed once.

Usage: .venv/bin/python bench/frontend_time.py [--zoo] [--repeat N] [--no-cold]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

_COLD = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {python!r})
from torch2calyx.frontend import lower
import torch2calyx.frontend.export  # torch and torch_mlir (the package imports lazily)
from torch2calyx.modelfile import load_model_file
t1 = time.perf_counter()
model, inputs = load_model_file({path!r})
lower(model, inputs)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def _cold_run(path: Path) -> tuple[float, float, float]:
    """(wall seconds of the whole process, import seconds, load+lower seconds)."""
    code = _COLD.format(python=str(ROOT / "python"), path=str(path))
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    wall = time.perf_counter() - start
    imp, low = (float(x) for x in out.split()[-2:])
    return wall, imp, low


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", action="store_true", help="also time every layer-zoo case")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per model (median)")
    parser.add_argument("--no-cold", action="store_true", help="skip the fresh-process runs")
    args = parser.parse_args()

    start = time.perf_counter()
    import torch  # noqa: F401  (timed on purpose)

    t_torch = time.perf_counter() - start
    import torch2calyx.frontend.export  # noqa: F401  (torch_mlir; the package imports lazily)
    from torch2calyx.frontend import lower
    from torch2calyx.frontend.zoo import ZOO
    from torch2calyx.modelfile import load_model_file

    t_all = time.perf_counter() - start
    print(f"import torch: {t_torch:.2f} s; + torch_mlir + torch2calyx.frontend: {t_all:.2f} s")

    models = []
    for path in sorted((ROOT / "examples").glob("*.py")):
        models.append((f"examples/{path.name}", path, lambda p=path: load_model_file(p)))
    if args.zoo:
        models += [(f"zoo:{c.name}", None, c.build) for c in ZOO]

    header = ("model", "lower (warm)", "cold process", "cold: import", "cold: lower")
    print(f"{header[0]:28s} " + " ".join(f"{h:>13s}" for h in header[1:]))
    for name, path, build in models:
        model, inputs = build()
        times = []
        for _ in range(max(args.repeat, 1)):
            t0 = time.perf_counter()
            lower(model, inputs)
            times.append(time.perf_counter() - t0)
        warm = f"{statistics.median(times):.3f} s"
        cold = imp = first = "-"
        if path is not None and not args.no_cold:
            wall, t_imp, t_low = _cold_run(path)
            cold, imp, first = f"{wall:.2f} s", f"{t_imp:.2f} s", f"{t_low:.2f} s"
        print(f"{name:28s} {warm:>13s} {cold:>13s} {imp:>13s} {first:>13s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
