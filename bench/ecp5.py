"""Fmax and latency of the benchmark models on an ECP5 FPGA (``bench/run.py --fpga ecp5-85k``).

For every model that ``bench/run.py`` compiled and verified, the model is compiled again with
``interface="memories"`` (input and output memories as top-level ports, weights in on-chip
memories: the same core, so the same cycle count), placed and routed with yosys
``synth_ecp5`` + nextpnr-ecp5 (:func:`torch2calyx.synth.place_and_route`), and the record
gets ``"fpga"``: utilization, Fmax, latency = cycles / Fmax, the critical path and the tool
times. Standalone: ``python bench/ecp5.py ffnn [--fpga ecp5-85k]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def place_and_route_model(
    name: str, cycles: int, out_root: Path, target: str, float_stages: int = 2
) -> dict:
    """Compile ``bench/models/<name>.py`` with the memories interface (and float units of
    depth ``float_stages``) and place and route it."""
    import torch2calyx
    from torch2calyx.errors import Torch2CalyxError
    from torch2calyx.modelfile import load_model_file
    from torch2calyx.synth import place_and_route

    model, inputs = load_model_file(HERE / "models" / f"{name}.py")
    out_dir = out_root / f"{name}-memories"
    try:
        start = time.perf_counter()
        design = torch2calyx.compile(
            model, inputs, out_dir=out_dir, interface="memories", float_stages=float_stages
        )
        compile_s = time.perf_counter() - start
        result = place_and_route(
            design.verilog,
            target=target,
            work_dir=out_dir / f"pnr-{target}",
            progress=lambda msg: print(f"  [{name} {target}] {msg}", flush=True),
        )
    except Torch2CalyxError as exc:
        return {"target": target, "error": str(exc)}
    fmax = result.fmax_mhz
    return {
        "target": target,
        "float_stages": float_stages,
        "part": f"{result.part} speed {result.speed} {result.package}",
        "LUT4": result.lut4,
        "FF": result.ff,
        "DSP": result.dsp,
        "EBR": result.ebr,
        "LUTRAM": result.lutram,
        "IO": result.io,
        "fmax_mhz": None if fmax is None else round(fmax, 2),
        "latency_us": None if not fmax else round(cycles / fmax, 2),
        "critical_path": result.critical_path,
        "compile_s": round(compile_s, 1),
        "synth_s": round(result.synth_seconds, 1),
        "pnr_s": round(result.pnr_seconds, 1),
        "design_dir": str(out_dir),
    }


def add_fpga(records: list[dict], target: str, out_root: Path, float_stages: int = 2) -> None:
    """Add ``record["fpga"]`` to every verified record and print the Fmax/latency table."""
    for record in records:
        if "error" in record:
            continue
        print(f"== {record['model']}: place and route for {target}", flush=True)
        record["fpga"] = place_and_route_model(
            record["model"], record["cycles"], out_root, target, float_stages
        )
    print_fpga_table(records)


def print_fpga_table(records: list[dict]) -> None:
    cols = ("model", "cycles", "Fmax MHz", "latency us", "LUT4", "FF", "DSP", "EBR", "PnR s")
    rows = []
    for r in records:
        f = r.get("fpga")
        if f is None:
            continue
        if "error" in f:
            rows.append((r["model"], str(r.get("cycles", "")), "failed", "", "", "", "", "", ""))
            continue
        rows.append(
            (
                r["model"],
                str(r["cycles"]),
                str(f["fmax_mhz"]),
                str(f["latency_us"]),
                *(str(f[k]) for k in ("LUT4", "FF", "DSP", "EBR")),
                f"{f['synth_s'] + f['pnr_s']:.0f}",
            )
        )
    if not rows:
        return
    print()
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    for r in records:
        f = r.get("fpga") or {}
        if "error" in f:
            print(f"{r['model']}: place and route failed: {f['error']}")
        elif f.get("critical_path"):
            cp = f["critical_path"]
            print(
                f"{r['model']}: critical path {cp['from']} -> {cp['to']}: {cp['delay_ns']} ns "
                f"({cp['logic_ns']} ns logic)"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", help="comma-separated models of bench/models, e.g. ffnn")
    parser.add_argument("--fpga", default="ecp5-85k")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--cycles", type=int, default=None, help="cycles (default: simulate)")
    parser.add_argument("--float-stages", type=int, default=2, choices=(2, 4, 7))
    args = parser.parse_args()
    records = []
    for name in args.models.split(","):
        cycles = args.cycles
        if cycles is None:
            import torch2calyx
            from torch2calyx.modelfile import load_model_file

            model, inputs = load_model_file(HERE / "models" / f"{name}.py")
            design = torch2calyx.compile(
                model, inputs, interface="memories", float_stages=args.float_stages
            )
            cycles = design.simulate(*inputs).cycles
        records.append({"model": name, "cycles": cycles})
    add_fpga(records, args.fpga, args.out, args.float_stages)
    (args.out / "fpga.json").write_text(json.dumps(records, indent=2) + "\n")
    return 0 if all("error" not in r["fpga"] for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
