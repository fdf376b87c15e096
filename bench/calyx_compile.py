"""Benchmark: compile a generated Calyx program with >= 5,000 cells and >= 2,000 groups.

Prints the size of the program and the time of each stage (parse, checks + passes, backend
and stitching); the target for the whole compilation is under 5 s. Run:

    PYTHONPATH=python .venv/bin/python bench/calyx_compile.py [--lanes N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from torch2calyx.calyx import load_program
from torch2calyx.calyx.backend import compile_component
from torch2calyx.calyx.compiler import component_order
from torch2calyx.calyx.passes import run_pipeline
from torch2calyx.calyx.rtl import emit_module
from torch2calyx.calyx.stitch import stitch


def generate(lanes: int) -> str:
    """A program of ``lanes`` independent lanes; each lane has 5 cells and 2 groups run by a
    while loop with a comb condition, and lanes are grouped into par blocks of 8 inside a seq.
    """
    cells, groups, lane_ctrl = [], [], []
    for i in range(lanes):
        cells += [
            f"    r{i} = std_reg(16);",
            f"    acc{i} = std_reg(16);",
            f"    add{i} = std_add(16);",
            f"    sum{i} = std_add(16);",
            f"    lt{i} = std_lt(16);",
        ]
        groups += [
            f"    group inc{i} {{ add{i}.left = r{i}.out; add{i}.right = 16'd1; "
            f"r{i}.in = add{i}.out; r{i}.write_en = 1'd1; inc{i}[done] = r{i}.done; }}",
            f"    group acc_{i} {{ sum{i}.left = acc{i}.out; sum{i}.right = r{i}.out; "
            f"acc{i}.in = sum{i}.out; acc{i}.write_en = 1'd1; acc_{i}[done] = acc{i}.done; }}",
            f"    comb group cond{i} {{ lt{i}.left = r{i}.out; lt{i}.right = 16'd{i % 50 + 1}; }}",
        ]
        lane_ctrl.append(f"while lt{i}.out with cond{i} {{ seq {{ inc{i}; acc_{i}; }} }}")
    blocks = [lane_ctrl[k : k + 8] for k in range(0, len(lane_ctrl), 8)]
    control = "\n".join("      par { " + " ".join(b) + " }" for b in blocks)
    return (
        'import "primitives/core.futil";\n'
        "component main(@go go: 1, @clk clk: 1, @reset reset: 1) -> (@done done: 1) {\n"
        "  cells {\n" + "\n".join(cells) + "\n  }\n"
        "  wires {\n" + "\n".join(groups) + "\n  }\n"
        "  control {\n    seq {\n" + control + "\n    }\n  }\n}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=1000, help="5 cells and 2 groups each")
    parser.add_argument("--out", type=Path, default=None, help="also write the .sv here")
    args = parser.parse_args()
    text = generate(args.lanes)
    t0 = time.perf_counter()
    program = load_program(text=text)
    t1 = time.perf_counter()
    run_pipeline(program)
    t2 = time.perf_counter()
    modules = []
    for comp in component_order(program):
        modules.append(emit_module(compile_component(program, comp)))
    t3 = time.perf_counter()
    files = sorted({p.source for p in program.primitives.values() if p.source})
    used = sorted({c.proto for c in program.entrypoint().cells.values()})
    verilog, _ = stitch(modules, files, used, source="generated")
    t4 = time.perf_counter()
    main_comp = program.entrypoint()
    n_groups = sum(1 for g in main_comp.groups.values() if g.kind != "comb")
    print(
        f"program: {len(text) / 1e6:.2f} MB, {len(main_comp.cells)} cells, "
        f"{len(main_comp.groups)} groups ({n_groups} with done)"
    )
    print(f"parse:           {t1 - t0:6.2f} s")
    print(f"checks + passes: {t2 - t1:6.2f} s")
    print(f"backend:         {t3 - t2:6.2f} s")
    print(f"stitch:          {t4 - t3:6.2f} s")
    print(f"total:           {t4 - t0:6.2f} s (target < 5 s); output {len(verilog) / 1e6:.2f} MB")
    if args.out:
        args.out.write_text(verilog)


if __name__ == "__main__":
    main()
