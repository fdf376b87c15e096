#!/usr/bin/env python3
"""Benchmark parallel lanes on trip counts the lane count does not divide (issue 12).

Two convolutions with 3 output channels (no power of 2 divides 3, 5 or 7), each compiled at
1, 2 and 4 lanes, simulated with Verilator and checked against PyTorch (rtol 1e-5 /
atol 1e-6): unroll-lanes pads the channel loop to 4 and disables the lanes past 3. One row per
model and lane count: cycles, the speed-up over one lane, and the nests metadata.json marks
padded (``trips->to x lanes``).

Usage: python bench/lanes_remainder.py [--lanes 1,2,4] [--out results.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

RTOL, ATOL = 1e-5, 1e-6


def models():
    import torch
    from torch import nn

    torch.manual_seed(5)
    return {
        "Conv2d(1,3,3)+ReLU 7x7": (
            nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU()).eval(),
            (torch.randn(1, 1, 7, 7),),
        ),
        "Conv2d(2,3,3)+ReLU+MaxPool 8x8": (
            nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.MaxPool2d(2)).eval(),
            (torch.randn(1, 2, 8, 8),),
        ),
    }


def run(name: str, model, inputs, lanes: int, work: Path) -> dict:
    import torch
    import torch2calyx

    out = work / f"{len(list(work.iterdir()))}"
    design = torch2calyx.compile(model, inputs, out_dir=out, lanes=lanes)
    result = design.simulate(*inputs)
    with torch.no_grad():
        expected = model(*inputs)
    torch.testing.assert_close(result.outputs[0], expected, rtol=RTOL, atol=ATOL)
    nests = json.loads((out / "metadata.json").read_text())["nests"]
    padded = [
        f"{n['padded']['trips']}->{n['padded']['to']} x {n['lanes']}"
        for n in nests
        if "padded" in n
    ]
    return {"model": name, "lanes": lanes, "cycles": result.cycles, "padded": padded}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", default="1,2,4", help="lane counts (default 1,2,4)")
    parser.add_argument("--out", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.lanes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="t2c-lanes-remainder-") as tmp:
        for name, (model, inputs) in models().items():
            base = None
            for lanes in counts:
                row = run(name, model, inputs, lanes, Path(tmp))
                base = base or row["cycles"]
                row["speedup"] = round(base / row["cycles"], 2)
                rows.append(row)
                padded = ", ".join(row["padded"]) or "-"
                print(
                    f"{name:32} lanes {lanes:2}  cycles {row['cycles']:6}  "
                    f"x{row['speedup']:<5} padded nests: {padded}  (matches PyTorch)",
                    flush=True,
                )
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
