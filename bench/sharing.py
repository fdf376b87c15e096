#!/usr/bin/env python3
"""Benchmark hardware sharing (issue 14): each model compiled with and without
``compile(share=...)``, both designs simulated and checked against PyTorch.

One row per model: ``.futil`` lines, components and instances, cycles, and a yosys
``synth_xilinx`` estimate (LUT, FF) with sharing off and on. The models: the two-layer LSTM
(bench/models/lstm.py), nn.TransformerEncoderLayer (encoder.py), the MHA of the published
evaluation (mha.py), the FFNN (ffnn.py, nothing to share) and, as the LUT yardstick of the
issue, one nn.GRUCell(6, 10) step (compiled once, default options).

Usage: python bench/sharing.py [--models lstm,encoder,mha,ffnn] [--no-synth]
       [--synth-timeout S] [--skip-synth-above LINES] [--out bench/results/sharing.json]

Synthesis of a design whose program has more than --skip-synth-above lines (default 8,000)
is skipped (yosys takes too long on 2 cores); the row says so. --keep-units synthesizes each
float unit module once and counts it per instance (``estimate(keep_units=True)``: much
faster on designs with tens of units, a few percent above the flat count). Each model runs
in its own subprocess.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = ("lstm", "encoder", "mha", "ffnn")
RTOL, ATOL = 1e-3, 1e-4


def gru_cell() -> tuple[object, tuple]:
    """One nn.GRUCell(6, 10) step, batch 1: the issue's LUT yardstick."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    return nn.GRUCell(6, 10).eval(), (torch.randn(1, 6), torch.randn(1, 10))


def measure(
    name: str, share: bool, out: Path, synth: bool, timeout: float, skip: int, keep_units: bool
) -> dict:
    """Compile, simulate, compare with PyTorch and (optionally) synthesize one design."""
    import torch
    import torch2calyx
    from torch2calyx.modelfile import load_model_file

    if name == "grucell":
        model, inputs = gru_cell()
    else:
        model, inputs = load_model_file(HERE / "models" / f"{name}.py")
    with torch.no_grad():
        expected = model(*inputs)
    expected = expected if isinstance(expected, tuple) else (expected,)
    design = torch2calyx.compile(model, inputs, out_dir=out, share=share)
    result = design.simulate(*inputs)
    pairs = list(zip(expected, result.outputs, strict=True))
    record = {
        "model": name,
        "share": share,
        **design.metadata.size,
        "cycles": result.cycles,
        "max_abs_error": max(float((e.double() - g.double()).abs().max()) for e, g in pairs),
        "matches_pytorch": all(torch.allclose(g, e, rtol=RTOL, atol=ATOL) for e, g in pairs),
    }
    if synth and design.metadata.size["futil_lines"] > skip:
        record["synth"] = {"skipped": f"program over {skip:,} lines"}
    elif synth:
        from torch2calyx.synth import SynthesisError, estimate

        try:
            est = estimate(
                design.verilog, top=design.metadata.top, timeout=timeout, keep_units=keep_units
            )
            record["synth"] = {
                "LUT": est.lut,
                "FF": est.ff,
                "DSP": est.dsp,
                "seconds": round(est.seconds, 1),
                "keep_units": keep_units,
            }
        except SynthesisError as exc:
            record["synth"] = {"error": str(exc).splitlines()[0]}
    return record


def run_child(name: str, share: bool, work: Path, args: argparse.Namespace) -> dict:
    """One design in its own process (each run's memory and torch import are its own)."""
    cmd = [
        sys.executable,
        __file__,
        "--child",
        name,
        "--share" if share else "--no-share",
        "--work",
        str(work),
        "--synth-timeout",
        str(args.synth_timeout),
        "--skip-synth-above",
        str(args.skip_synth_above),
    ]
    cmd += ["--no-synth"] if args.no_synth else []
    cmd += ["--keep-units"] if args.keep_units else []
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        said = " | ".join(tail) or "no output"
        return {"model": name, "share": share, "error": f"exit {done.returncode}: {said}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def synth_text(record: dict) -> tuple[str, str]:
    synth = record.get("synth", {})
    if "LUT" in synth:
        return f"{synth['LUT']:,}", f"{synth['FF']:,}"
    if "skipped" in synth:
        return "skipped", "skipped"
    return ("error", "error") if "error" in synth else ("-", "-")


def table(rows: list[tuple[dict, dict]]) -> str:
    head = (
        "| model | .futil lines off / on | components / instances on | cycles off / on (+%) "
        "| LUT off / on | FF off / on | matches PyTorch off / on |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for off, on in rows:
        if "error" in off or "error" in on:
            lines.append(f"| {off['model']} | error: {off.get('error') or on.get('error')} |")
            continue
        grow = 100.0 * (on["cycles"] - off["cycles"]) / off["cycles"]
        lut_off, ff_off = synth_text(off)
        lut_on, ff_on = synth_text(on)
        lines.append(
            f"| {off['model']} | {off['futil_lines']:,} / {on['futil_lines']:,} "
            f"| {on['components']} / {on['instances']} "
            f"| {off['cycles']:,} / {on['cycles']:,} ({grow:+.1f}%) "
            f"| {lut_off} / {lut_on} | {ff_off} / {ff_on} "
            f"| {'yes' if off['matches_pytorch'] else 'NO'} / "
            f"{'yes' if on['matches_pytorch'] else 'NO'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--no-synth", action="store_true", help="skip the yosys estimates")
    parser.add_argument("--synth-timeout", type=float, default=900.0)
    parser.add_argument("--skip-synth-above", type=int, default=8000)
    parser.add_argument(
        "--keep-units", action="store_true", help="synthesize each float unit module once"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "sharing.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--share", dest="share", action="store_true", default=True)
    parser.add_argument("--no-share", dest="share", action="store_false")
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        out = args.work / f"{args.child}_{'on' if args.share else 'off'}"
        record = measure(
            args.child,
            args.share,
            out,
            not args.no_synth,
            args.synth_timeout,
            args.skip_synth_above,
            args.keep_units,
        )
        print(json.dumps(record))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="t2c-sharing-") as tmp:
        for name in args.models.split(","):
            off = run_child(name, False, Path(tmp), args)
            on = run_child(name, True, Path(tmp), args)
            print(json.dumps(off), json.dumps(on), sep="\n", flush=True)
            rows.append((off, on))
        gru = run_child("grucell", True, Path(tmp), args)
    print(table(rows))
    lut = synth_text(gru)[0]
    print(f"nn.GRUCell(6, 10) step: {gru.get('futil_lines', '?')} lines, {lut} LUTs")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"rows": rows, "grucell": gru}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
