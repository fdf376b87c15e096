"""Hardware figures of the float units: latency, interval and a yosys synthesis estimate.

For each unit (binary32 by default) yosys runs ``synth_xilinx -flatten -noiopad`` (a 7-series
FPGA mapping) and reports LUTs, flip-flops, DSP48E1 blocks and CARRY4 cells; the longest
path is the largest number of cells between two registers (or a port and a register), from
``ltp`` after the flip-flops are removed: a logic-depth figure, not a timing analysis.
For the go/done units the latency is cycles from go to done (the @interval of the .futil; the
tests check it against simulation) and the interval is latency + 1, because the go/done
protocol needs go low for one cycle between operations. For the pipelined units the latency is
the N of their `static<N> primitive` and the interval is 1 (pipelined_divSqrtFN: of the
primitive of the format, pipelined_divSqrtF16/BF16/F32/F64; the core module is synthesized).

    .venv/bin/python bench/float_synth.py
    .venv/bin/python bench/float_synth.py --formats binary16,binary32,binary64 --units addFN
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOAT_DIR = Path(__file__).resolve().parents[1] / "externals" / "primitives" / "float"
FORMATS = {"binary16": (5, 11), "binary32": (8, 24), "binary64": (11, 53), "bfloat16": (8, 8)}
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
# pipelined_divSqrtFN's latency depends on the precision: one static<N> primitive per format.
DIVSQRT_PRIMITIVES = {
    "binary16": "pipelined_divSqrtF16",
    "binary32": "pipelined_divSqrtF32",
    "binary64": "pipelined_divSqrtF64",
    "bfloat16": "pipelined_divSqrtBF16",
}


def module_name(unit: str) -> str:
    """The SystemVerilog module (and Calyx primitive) of ``unit``'s file."""
    return unit if unit.startswith("pipelined_") else f"std_{unit}"


def params(unit: str, exp: int, sig: int) -> dict[str, int]:
    """Parameter values of ``unit`` in the format (exp, sig); conversions use 32-bit ints."""
    if unit.endswith("fpToInt"):
        return {"expWidth": exp, "sigWidth": sig, "floatWidth": exp + sig, "intWidth": 32}
    if unit.endswith("intToFp"):
        return {"intWidth": 32, "expWidth": exp, "sigWidth": sig, "floatWidth": exp + sig}
    return {"expWidth": exp, "sigWidth": sig, "numWidth": exp + sig}


def futil_timing(unit: str, fmt: str = "binary32") -> tuple[int, int]:
    """(latency, interval) from ``unit``'s Calyx signature: @interval(n) gives (n, n + 1),
    static<n> primitive (no go/done) gives (n, 1); for pipelined_divSqrtFN, the static<n> of
    the primitive of format ``fmt``."""
    text = (FLOAT_DIR / f"{unit}.futil").read_text()
    name = DIVSQRT_PRIMITIVES[fmt] if unit == "pipelined_divSqrtFN" else r"\w+"
    static = re.search(rf"static<(\d+)>\s+primitive\s+{name}\b", text)
    if static is not None:
        return int(static.group(1)), 1
    match = re.search(r"@interval\((\d+)\)", text)
    if match is None:
        raise SystemExit(f"{unit}.futil has neither static<n> nor an @interval attribute")
    return int(match.group(1)), int(match.group(1)) + 1


def synthesize(yosys: str, unit: str, exp: int, sig: int, work: Path) -> dict[str, int]:
    """Run yosys on one unit; return cell counts and the longest path.

    The parameters are set by rewriting the defaults in a copy of the source: yosys 0.23's
    ``hierarchy -chparam`` trips an internal assertion on std_divSqrtFN.
    """
    text = (FLOAT_DIR / f"{unit}.sv").read_text()
    for name, value in params(unit, exp, sig).items():
        text, count = re.subn(rf"(parameter int {name} = )\d+", rf"\g<1>{value}", text)
        if count == 0:
            raise SystemExit(f"{unit}.sv: cannot find the default of parameter {name}")
    source = work / f"{unit}_{exp}_{sig}.sv"
    source.write_text(text)
    script = (
        f"read_verilog -sv {source}; hierarchy -top {module_name(unit)}; "
        "synth_xilinx -flatten -noiopad; stat; delete t:FD*; ltp -noff"
    )
    proc = subprocess.run([yosys, "-p", script], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"yosys failed on {unit}:\n{(proc.stdout + proc.stderr)[-2000:]}")
    log = proc.stdout
    stat = log[log.rindex("Printing statistics") :]
    counts: dict[str, int] = {}
    for name, count in re.findall(r"^\s+(\w+)\s+(\d+)\s*$", stat, re.M):
        counts[name] = counts.get(name, 0) + int(count)
    ltp = re.findall(r"Longest topological path in \S+ \(length=(\d+)\)", log)
    return {
        "LUT": sum(v for k, v in counts.items() if re.fullmatch(r"LUT\d", k)),
        "FF": sum(v for k, v in counts.items() if k.startswith("FD")),
        "DSP": counts.get("DSP48E1", 0),
        "CARRY4": counts.get("CARRY4", 0),
        "path": int(ltp[-1]) if ltp else -1,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default=",".join(UNITS))
    parser.add_argument("--formats", default="binary32")
    parser.add_argument("--yosys", default="yosys")
    args = parser.parse_args(argv)
    if shutil.which(args.yosys) is None:
        print(f"{args.yosys} not found on PATH; install yosys (ci/setup.sh does)", file=sys.stderr)
        return 2
    unknown = [f for f in args.formats.split(",") if f not in FORMATS] + [
        u for u in args.units.split(",") if u not in UNITS
    ]
    if unknown:
        print(
            f"unknown format or unit: {', '.join(unknown)}; formats are {', '.join(FORMATS)}, "
            f"units {', '.join(UNITS)}",
            file=sys.stderr,
        )
        return 2
    header = (
        f"{'unit':<19} {'format':<9} {'latency':>7} {'interval':>8} {'LUTs':>6} {'FFs':>5} "
        f"{'DSPs':>4} {'CARRY4':>6} {'path':>5} {'yosys s':>7}"
    )
    print(header)
    for fmt in args.formats.split(","):
        exp, sig = FORMATS[fmt]
        for unit in args.units.split(","):
            latency, interval = futil_timing(unit, fmt)
            start = time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                r = synthesize(args.yosys, unit, exp, sig, Path(tmp))
            print(
                f"{unit:<19} {fmt:<9} {latency:>7} {interval:>8} {r['LUT']:>6} {r['FF']:>5} "
                f"{r['DSP']:>4} {r['CARRY4']:>6} {r['path']:>5} "
                f"{time.perf_counter() - start:>7.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
