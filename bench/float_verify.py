"""Full bit-exact verification of the float units under Verilator.

For every unit and format (binary16, binary32, binary64, bfloat16): every pair of special
classes in every rounding mode with both tininess modes and both values of the unit's op
input (subOp, sqrtOp, signaling, signedness), plus --pairs random operand pairs (default
100,000) each run in every rounding mode. Results and exception flags are compared bit for
bit with the exact reference model (torch2calyx.float.ref). The go/done units run through
their handshake; the pipelined units are streamed in bursts of back-to-back operations (one
per cycle) with idle cycles between bursts, at the latency their .futil declares
(pipelinedDivSqrt, whose primitives pipelined_divSqrtF16/BF16/F32/F64 each have their own
latency, through its own test top, torch2calyx.float.stream). Prints
vectors checked and mismatches per unit, format and mode, and exits non-zero on any mismatch
or handshake error.

    .venv/bin/python bench/float_verify.py                   # everything (several minutes)
    .venv/bin/python bench/float_verify.py --units add,mul --formats binary32 --pairs 10000
    .venv/bin/python bench/float_verify.py --units pipelinedAdd,pipelinedMul --jobs 2
    .venv/bin/python bench/float_verify.py --units pipelinedDivSqrt --modes 0,1,2,3,4,6
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from torch2calyx.float.harness import HarnessConfig, build_harness, run_vectors  # noqa: E402
from torch2calyx.float.stream import build_stream_harness, run_stream  # noqa: E402
from torch2calyx.float.vectors import (  # noqa: E402
    MODELESS,
    STREAMED,
    TB_FORMATS,
    UNITS,
    make_vectors,
)

MODE_NAMES = {0: "rne", 1: "rtz", 2: "rdn", 3: "rup", 4: "rmm", 6: "odd"}


def verify_one(
    binary: Path, unit: str, fmt: str, pairs: int, seed: int, modes: tuple[int, ...]
) -> dict:
    """Generate and run the vectors of one unit and format; return counts per mode."""
    start = time.perf_counter()
    vectors = make_vectors(
        unit,
        fmt,
        random_pairs=pairs,
        seed=seed,
        all_modes_per_pair=True,
        exhaustive_specials=True,
        modes=modes,
    )
    generated = time.perf_counter()
    if unit in STREAMED:
        result = run_stream(binary, vectors, seed=seed)
    else:
        result = run_vectors(binary, vectors, seed=seed)
    checked = Counter(v.rm for v in vectors)
    wrong = Counter(v.rm for v, _, _ in result.mismatches)
    examples = [
        f"a={v.a:#x} b={v.b:#x} op={v.op} rm={v.rm} ctl={v.ctl}: expected "
        f"{v.result:#x}/{v.flags:#x}, got {r:#x}/{f:#x}"
        for v, r, f in result.mismatches[:3]
    ]
    return {
        "unit": unit,
        "fmt": fmt,
        "checked": checked,
        "wrong": wrong,
        "handshake": len(result.handshake_errors),
        "latency": sorted(result.latency.values()),
        "pipeline": sorted(result.pipeline.values()),
        "examples": examples,
        "gen_s": generated - start,
        "sim_s": time.perf_counter() - generated,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--units", default=",".join((*UNITS, *STREAMED)), help="comma-separated unit names"
    )
    parser.add_argument("--formats", default=",".join(TB_FORMATS))
    parser.add_argument("--pairs", type=int, default=100_000, help="random pairs per unit/format")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--modes", default="0,1,2,3,4", help="rounding modes (add 6 for round-to-odd)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="parallel processes")
    args = parser.parse_args(argv)
    units = args.units.split(",")
    formats = args.formats.split(",")
    modes = tuple(int(m) for m in args.modes.split(","))
    config = HarnessConfig(root=Path(__file__).resolve().parents[1])
    unknown = [u for u in units if u not in UNITS and u not in STREAMED]
    if unknown:
        parser.error(f"unknown units {unknown}; expected some of {[*UNITS, *STREAMED]}")
    binaries = {}
    if any(u in UNITS for u in units):
        binaries["tb_float"] = build_harness(config)
        print(f"harness: {binaries['tb_float']}")
    if any(u in STREAMED for u in units):
        binaries["stream"] = build_stream_harness(config)
        print(f"harness: {binaries['stream']}")
    print(f"{'unit':<19} {'format':<9} {'mode':<5} {'vectors':>9} {'mismatches':>10}")
    total_checked = total_wrong = total_handshake = 0
    jobs = [(u, f) for u in units for f in formats]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(
                verify_one,
                binaries["stream" if u in STREAMED else "tb_float"],
                u,
                f,
                args.pairs,
                args.seed,
                modes,
            )
            for u, f in jobs
        ]
        for future in futures:
            r = future.result()
            for mode in sorted(r["checked"]):
                mode_name = "-" if r["unit"] in MODELESS else MODE_NAMES[mode]
                print(
                    f"{r['unit']:<19} {r['fmt']:<9} {mode_name:<5} "
                    f"{r['checked'][mode]:>9} {r['wrong'][mode]:>10}"
                )
            if r["pipeline"]:
                # (latency, operations, longest burst, idle cycles between bursts)
                timing = "pipelined (latency, ops, longest burst, idle) " + str(r["pipeline"])
            else:
                timing = f"latency {r['latency']}"
            print(
                f"{'':<19} {'':<9} {timing} handshake errors {r['handshake']} "
                f"(generate {r['gen_s']:.1f} s, simulate {r['sim_s']:.1f} s)"
            )
            for line in r["examples"]:
                print(f"    {line}")
            sys.stdout.flush()
            total_checked += sum(r["checked"].values())
            total_wrong += sum(r["wrong"].values())
            total_handshake += r["handshake"]
    print(
        f"TOTAL vectors {total_checked} mismatches {total_wrong} handshake errors {total_handshake}"
    )
    return 1 if total_wrong or total_handshake else 0


if __name__ == "__main__":
    sys.exit(main())
