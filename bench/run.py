#!/usr/bin/env python3
"""Benchmark torch2calyx on the models of the published PyTorch-to-Calyx evaluation and more.

For each model in bench/models/ (FFNN, CNN, MHA of the published evaluation, plus an MNIST
MLP 784-128-10 and nn.TransformerEncoderLayer(16, 2, 32)) it compiles, simulates and compares with
PyTorch, then prints and writes (bench/results/results.json, bench/results/stages.png):
compile time per stage, simulator build and run time, cycles, multiply-accumulates, cycles per
MAC, maximum error, the initiation interval of every pipelined loop nest, peak memory,
and a yosys `synth_xilinx` estimate (LUT, FF, DSP, BRAM).

Usage: python bench/run.py [--models ffnn,mlp784,cnn,mha,encoder] [--no-synth] [--cnn-crop HxW]
       [--lanes 1,4,16] [--keep-units]
       [--fpga ecp5-85k]  (also place and route: Fmax and latency, bench/ecp5.py)

With several lane counts it also prints, per model, the LUTs each added lane costs against the
one-lane design and the cycles-per-MAC targets of the lanes issue; --keep-units synthesizes
each float unit once and counts it per instance (``estimate(keep_units=True)``: the MHA's
flattened estimate does not finish on 2 cores, this one takes minutes).

Each model runs in its own subprocess so that its time includes `import torch` and its peak
memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = ("ffnn", "mlp784", "cnn", "mha", "encoder")

# Figures of the published evaluation (arXiv 2512.06177), read off its plots: cycles per MAC.
REFERENCE_CYCLES_PER_MAC = {"ffnn": {"published Calyx": 6.9, "Vitis HLS": 4.5}}
TARGETS = {
    "ffnn": {"cycles_per_mac": 1.10, "compile_s": 10.0},
    "mlp784": {"cycles_per_mac": 1.05},
    "cnn": {"cycles_per_mac": 1.3, "compile_s": 20.0},
    "mha": {"cycles_per_mac": 1.6},
    "encoder": {"cycles_per_mac": 2.0},
}
#: Pipelined loop nests, as lower-to-calyx notes them in program.futil.
PIPELINE_NOTE = re.compile(
    r"// pipelined loop nest: initiation interval (\d+), (\d+) iterations[^\n]*\n"
    r"\s*static<(\d+)> group (\w+)"
)
MEMORY_TARGET_MB = 2048
#: Cycles per MAC the lanes issue sets, per model and lane count, and the LUTs an added lane
#: may cost.
LANE_TARGETS = {"ffnn": {4: 0.30, 16: 0.08}, "cnn": {4: 0.35}, "mha": {4: 0.45}}
LUTS_PER_LANE_TARGET = 2000


def run_one(
    name: str,
    out_root: Path,
    synth: bool,
    synth_timeout: float,
    lanes: int = 1,
    float_stages: int = 2,
    keep_units: bool = False,
) -> dict:
    """Compile, simulate and check one model; runs inside the per-model subprocess."""
    t0 = time.perf_counter()
    import torch
    import torch2calyx
    from torch.utils.flop_counter import FlopCounterMode
    from torch2calyx.modelfile import load_model_file

    import_s = time.perf_counter() - t0
    model, inputs = load_model_file(HERE / "models" / f"{name}.py")
    with torch.no_grad(), FlopCounterMode(display=False) as flops:
        expected = model(*inputs)
    expected = expected if isinstance(expected, tuple) else (expected,)
    macs = flops.get_total_flops() // 2

    out_dir = out_root / (name if lanes == 1 else f"{name}_lanes{lanes}")
    t1 = time.perf_counter()
    design = torch2calyx.compile(
        model, inputs, out_dir=out_dir, lanes=lanes, float_stages=float_stages
    )
    compile_s = time.perf_counter() - t1
    # The exported graph's count, node by node (what the hardware computes): eager
    # nn.TransformerEncoderLayer takes a fused fast path whose attention matmuls the
    # counter above does not see.
    macs = sum(layer.get("macs") or 0 for layer in design.metadata.layers) or macs

    t2 = time.perf_counter()
    first = design.simulate(*inputs)
    first_s = time.perf_counter() - t2
    t3 = time.perf_counter()
    second = design.simulate(*inputs)
    run_s = time.perf_counter() - t3
    assert second.cycles == first.cycles

    pairs = list(zip(expected, first.outputs, strict=True))
    max_err = max(float((e.double() - g.double()).abs().max()) for e, g in pairs)
    ok = all(torch.allclose(g, e, rtol=1e-3, atol=1e-4) for e, g in pairs)
    tight = all(torch.allclose(g, e, rtol=1e-5, atol=1e-6) for e, g in pairs)
    loops = [
        {"group": m[4], "ii": int(m[1]), "iterations": int(m[2]), "cycles": int(m[3])}
        for m in PIPELINE_NOTE.finditer(design.calyx.read_text())
    ]
    record = {
        "model": name,
        "lanes": lanes,
        "input_shapes": [list(t.shape) for t in inputs],
        "macs": macs,
        "cycles": first.cycles,
        "cycles_per_mac": first.cycles / macs if macs else float("nan"),
        "max_abs_error": max_err,
        "matches_pytorch": ok,
        "within_rtol_1e-5_atol_1e-6": tight,
        "pipelined_loops": loops,
        "time_s": {
            "import_torch2calyx_and_torch": round(import_s, 3),
            **{f"compile_{k}": v for k, v in design.metadata.stage_seconds.items()},
            "compile_total": round(compile_s, 3),
            "compile_total_with_import": round(compile_s + import_s, 3),
            "sim_build": round(max(first_s - run_s, 0.0), 3),
            "sim_run": round(run_s, 3),
        },
        "peak_rss_mb": {
            "python": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        },
        "design_dir": str(out_dir),
    }
    if synth:
        record["synth"] = synth_estimate(
            design.verilog, top=design.metadata.top, timeout=synth_timeout, keep_units=keep_units
        )
    return record


def synth_estimate(verilog: Path, *, top: str, timeout: float, keep_units: bool = False) -> dict:
    """LUT/FF/DSP/BRAM counts from yosys `synth_xilinx` (torch2calyx.synth)."""
    from torch2calyx.synth import SynthesisError, estimate

    try:
        result = estimate(verilog, top=top, timeout=timeout, keep_units=keep_units)
    except SynthesisError as exc:
        return {"error": str(exc)}
    return {
        "LUT": result.lut,
        "FF": result.ff,
        "DSP": result.dsp,
        "BRAM": result.bram,
        "LUTRAM": result.lutram,
        "seconds": round(result.seconds, 1),
        "method": "float units synthesized once (keep_units)" if keep_units else "flattened",
    }


def print_lanes(records: list[dict]) -> None:
    """Per model over its lane counts: cycles per MAC against the lanes issue's targets, and
    the LUTs each lane adds to the one-lane design."""
    for name in dict.fromkeys(r["model"] for r in records):
        runs = {r["lanes"]: r for r in records if r["model"] == name and "error" not in r}
        for n, r in sorted(runs.items()):
            target = LANE_TARGETS.get(name, {}).get(n)
            if target is not None:
                met = r["cycles_per_mac"] <= target and r["matches_pytorch"]
                print(
                    f"{name}: {n} lanes: {r['cycles_per_mac']:.4f} cycles/MAC "
                    f"(target <= {target}): " + ("met" if met else "NOT met")
                )
            base = runs.get(1, {}).get("synth", {})
            luts = r.get("synth", {}).get("LUT")
            if n > 1 and luts is not None and "LUT" in base:
                per_lane = (luts - base["LUT"]) / (n - 1)
                print(
                    f"{name}: {n} lanes: {per_lane:,.0f} LUTs per added lane "
                    f"({base['LUT']:,} at 1 lane, {luts:,} at {n}; target <= "
                    f"{LUTS_PER_LANE_TARGET:,}): "
                    + ("met" if per_lane <= LUTS_PER_LANE_TARGET else "NOT met")
                )


def print_table(records: list[dict]) -> None:
    cols = (
        "model",
        "lanes",
        "MACs",
        "cycles",
        "cyc/MAC",
        "max err",
        "ok",
        "compile s",
        "+import s",
        "sim build s",
        "sim run s",
        "peak MB",
        "LUT",
        "FF",
        "DSP",
        "BRAM",
    )
    rows = []
    for r in records:
        if "error" in r:
            rows.append((r["model"], str(r.get("lanes", 1)), "failed") + ("",) * (len(cols) - 3))
            continue
        t, s = r["time_s"], r.get("synth", {})
        rows.append(
            (
                r["model"],
                str(r.get("lanes", 1)),
                str(r["macs"]),
                str(r["cycles"]),
                f"{r['cycles_per_mac']:.2f}",
                f"{r['max_abs_error']:.2g}",
                "yes" if r["matches_pytorch"] else "NO",
                f"{t['compile_total']:.1f}",
                f"{t['compile_total_with_import']:.1f}",
                f"{t['sim_build']:.1f}",
                f"{t['sim_run']:.1f}",
                str(max(r["peak_rss_mb"].values())),
                *(str(s.get(k, "-")) for k in ("LUT", "FF", "DSP", "BRAM")),
            )
        )
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    print()
    for r in records:
        if "error" in r:
            print(f"{r['model']}: failed: {r['error']}")
            continue
        name = r["model"]
        for label, value in REFERENCE_CYCLES_PER_MAC.get(name, {}).items():
            print(f"{name}: {label} reference ~{value} cycles/MAC; ours {r['cycles_per_mac']:.2f}")
        target = TARGETS.get(name, {})
        if "cycles_per_mac" in target:
            met = r["cycles_per_mac"] <= target["cycles_per_mac"]
            print(
                f"{name}: target <= {target['cycles_per_mac']} cycles/MAC: "
                + ("met" if met else "NOT met")
            )
        if "compile_s" in target:
            met = r["time_s"]["compile_total_with_import"] < target["compile_s"]
            print(
                f"{name}: target compile < {target['compile_s']} s with import: "
                + ("met" if met else "NOT met")
            )
        loops = r.get("pipelined_loops", [])
        by_ii: dict[int, int] = {}
        for loop in loops:
            by_ii[loop["ii"]] = by_ii.get(loop["ii"], 0) + 1
        summary = ", ".join(f"{n} at II={ii}" for ii, n in sorted(by_ii.items())) or "none"
        print(f"{name}: pipelined loop nests: {summary}")
        print(
            f"{name}: error within rtol 1e-5 / atol 1e-6: "
            + ("yes" if r.get("within_rtol_1e-5_atol_1e-6") else "NO")
        )
        peak = max(r["peak_rss_mb"].values())
        print(
            f"{name}: peak memory {peak} MB (target < {MEMORY_TARGET_MB} MB): "
            + ("met" if peak < MEMORY_TARGET_MB else "NOT met")
        )


def plot(records: list[dict], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot (pip install matplotlib)", file=sys.stderr)
        return
    ok = [r for r in records if "error" not in r]
    if not ok:
        return
    stages = [k for k in ok[0]["time_s"] if k not in ("compile_total", "compile_total_with_import")]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    bottom = [0.0] * len(ok)
    for stage in stages:
        vals = [r["time_s"].get(stage, 0.0) for r in ok]
        ax1.bar([r["model"] for r in ok], vals, bottom=bottom, label=stage)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax1.set_ylabel("seconds")
    ax1.set_title("time per stage")
    ax1.legend(fontsize=7)
    ax2.bar([r["model"] for r in ok], [r["cycles_per_mac"] for r in ok])
    ax2.axhline(1.0, color="red", linestyle="--", label="1 MAC per cycle (one lane)")
    ax2.set_ylabel("cycles per multiply-accumulate")
    ax2.set_title("hardware efficiency")
    ax2.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


def plot_lanes(records: list[dict], path: Path) -> None:
    """Cycles against LUTs, one curve per model over its lane counts."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for name in dict.fromkeys(r["model"] for r in records):
        pts = sorted(
            (r["synth"]["LUT"], r["cycles"], r["lanes"])
            for r in records
            if r["model"] == name and "error" not in r and "LUT" in r.get("synth", {})
        )
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
            for lut, cyc, n in pts:
                ax.annotate(str(n), (lut, cyc), fontsize=7)
    ax.set_xlabel("LUTs (yosys synth_xilinx estimate)")
    ax.set_ylabel("cycles")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title("cycles against area; labels: lanes")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--no-synth", action="store_true", help="skip the yosys estimate")
    parser.add_argument("--synth-timeout", type=float, default=600.0)
    parser.add_argument("--cnn-crop", default=None, help="HxW image crop for the CNN, e.g. 20x24")
    parser.add_argument(
        "--fpga", default=None, help="also place and route for this FPGA (ecp5-85k): Fmax, µs"
    )
    parser.add_argument(
        "--lanes", default="1", help="comma-separated lane counts to run each model at, e.g. 1,4,16"
    )
    parser.add_argument(
        "--float-stages",
        type=int,
        default=2,
        choices=(2, 4, 7),
        help="pipeline depth of the float adders/multipliers (compile(float_stages=...))",
    )
    parser.add_argument(
        "--keep-units",
        action="store_true",
        help="synthesize each float unit once and count it per instance (faster on big designs)",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one model, print JSON
    args = parser.parse_args()

    if args.one:
        from torch2calyx.errors import Torch2CalyxError

        try:
            record = run_one(
                args.one,
                args.out,
                not args.no_synth,
                args.synth_timeout,
                int(args.lanes),
                args.float_stages,
                args.keep_units,
            )
        except Torch2CalyxError as exc:
            record = {"model": args.one, "error": str(exc)}
        print("RESULT " + json.dumps(record))
        return 0

    args.out.mkdir(parents=True, exist_ok=True)
    records = []
    # a simulator cache of our own, emptied first, so that "sim build" is a real build
    cache = args.out / "sim-cache"
    shutil.rmtree(cache, ignore_errors=True)
    runs = [(m, int(n)) for m in args.models.split(",") for n in args.lanes.split(",")]
    for name, lanes in runs:
        env = dict(os.environ, XDG_CACHE_HOME=str(cache))
        if name == "cnn" and args.cnn_crop:
            env["T2C_CNN_CROP"] = args.cnn_crop
            print(f"cnn: simulating a cropped {args.cnn_crop} image (--cnn-crop)")
        cmd = [
            sys.executable,
            __file__,
            "--one",
            name,
            "--out",
            str(args.out),
            "--synth-timeout",
            str(args.synth_timeout),
            "--lanes",
            str(lanes),
            "--float-stages",
            str(args.float_stages),
        ]
        if args.no_synth:
            cmd.append("--no-synth")
        if args.keep_units:
            cmd.append("--keep-units")
        print(f"== {name} ({lanes} lane{'s' if lanes > 1 else ''})", flush=True)
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if proc.returncode != 0 or not lines:
            tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            print(f"{name}: failed: {tail}")
            records.append({"model": name, "lanes": lanes, "error": tail})
            continue
        record = json.loads(lines[-1][len("RESULT ") :])
        if "error" in record:
            print(f"{name}: failed: {record['error']}")
            records.append(record)
            continue
        if name == "cnn":
            record["crop"] = args.cnn_crop or "none (full 60x80)"
        records.append(record)

    print()
    print_table(records)
    if len({r.get("lanes", 1) for r in records}) > 1:
        print()
        print_lanes(records)
    if args.fpga:
        from ecp5 import add_fpga  # bench/ecp5.py: Fmax and latency per model

        add_fpga(records, args.fpga, args.out, args.float_stages)
    (args.out / "results.json").write_text(json.dumps(records, indent=2) + "\n")
    print(f"wrote {args.out / 'results.json'}")
    plot(records, args.out / "stages.png")
    if len({r.get("lanes", 1) for r in records}) > 1:
        plot_lanes(records, args.out / "lanes.png")
    return 0 if all("error" not in r and r["matches_pytorch"] for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
