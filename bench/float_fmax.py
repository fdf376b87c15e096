"""Fmax of the pipelined float adder and multiplier at each pipeline depth, placed and routed
alone on ECP5 (yosys synth_ecp5 + nextpnr-ecp5, as ``torch2calyx synth --fpga``).

Each unit sits between registers: a top registers the operands and the modes before the
unit and its result after it, so every path nextpnr times starts and ends at a flip-flop
and the figure is the unit's own (no pin delays). The unit's `stages` parameter is its
latency in cycles (see ``externals/primitives/float/common.sv``, t2c_fp_round_pipe).

    .venv/bin/python bench/float_fmax.py                               # binary32, stages 2, 4, 7
    .venv/bin/python bench/float_fmax.py --units pipelined_mulFN --stages 2,4 --fpga ecp5-85k
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

FLOAT_DIR = Path(__file__).resolve().parents[1] / "externals" / "primitives" / "float"
UNITS = ("pipelined_addFN", "pipelined_mulFN")


def top_text(unit: str, stages: int, exp: int, sig: int) -> str:
    """A top with the unit between an input and an output register stage."""
    width = exp + sig
    sub = ".subOp(sub_q), " if "add" in unit else ""
    return f"""
module fmax_top (
    input  logic             clk,
    input  logic             reset,
    input  logic             sub,
    input  logic             control,
    input  logic [{width - 1}:0] left,
    input  logic [{width - 1}:0] right,
    input  logic [2:0]       rm,
    output logic [{width - 1}:0] out,
    output logic [4:0]       flags
);
  logic sub_q, control_q;
  logic [{width - 1}:0] left_q, right_q, res;
  logic [2:0] rm_q;
  logic [4:0] fl;
  always_ff @(posedge clk) begin
    {{sub_q, control_q, left_q, right_q, rm_q}} <= {{sub, control, left, right, rm}};
    {{out, flags}} <= {{res, fl}};
  end
  {unit} #(.expWidth({exp}), .sigWidth({sig}), .numWidth({width}), .stages({stages})) u (
      .clk(clk), .reset(reset), .control(control_q), {sub}.left(left_q), .right(right_q),
      .roundingMode(rm_q), .out(res), .exceptionFlags(fl));
endmodule
"""


def main(argv: list[str] | None = None) -> int:
    from torch2calyx.synth import ECP5_TARGETS, place_and_route

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default=",".join(UNITS))
    parser.add_argument("--stages", default="2,4,7")
    parser.add_argument("--format", default="8,24", help="exponent,significand bits")
    parser.add_argument("--fpga", default="ecp5-85k", choices=sorted(ECP5_TARGETS))
    parser.add_argument("--keep", type=Path, help="keep each run's files under this directory")
    args = parser.parse_args(argv)
    exp, sig = (int(v) for v in args.format.split(","))
    rows = []
    with tempfile.TemporaryDirectory(prefix="t2c-float-fmax-") as scratch:
        base = args.keep or Path(scratch)
        for unit in args.units.split(","):
            for stages in (int(s) for s in args.stages.split(",")):
                work = base / f"{unit}-s{stages}"
                work.mkdir(parents=True, exist_ok=True)
                source = work / "top.sv"
                source.write_text(
                    (FLOAT_DIR / f"{unit}.sv").read_text() + top_text(unit, stages, exp, sig)
                )
                res = place_and_route(source, target=args.fpga, top="fmax_top", work_dir=work)
                cp = res.critical_path
                rows.append((unit, stages, res))
                print(
                    f"{unit} stages={stages}: Fmax {res.fmax_mhz} MHz, LUT4 {res.lut4}, "
                    f"FF {res.ff}, DSP {res.dsp}; critical {cp.get('from')} -> {cp.get('to')} "
                    f"{cp.get('delay_ns')} ns ({cp.get('logic_ns')} ns logic)",
                    flush=True,
                )
    print("\n| unit | stages (latency) | Fmax (MHz) | LUT4 | FF | DSP |")
    print("|---|---|---|---|---|---|")
    for unit, stages, res in rows:
        print(f"| {unit} | {stages} | {res.fmax_mhz} | {res.lut4} | {res.ff} | {res.dsp} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
