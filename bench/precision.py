#!/usr/bin/env python3
"""Precision benchmark: FFNN, CNN and MHA on binary32, binary16, bfloat16 and int8 units.

Each float32 benchmark model (bench/models/) is compiled with ``precision="f32"``, ``"f16"``
and ``"bf16"`` (weights and arithmetic narrowed, float32 inputs and outputs converted in
hardware), simulated on its example input, and compared with the float32 PyTorch model; with
``--half-models`` also ``model.half()`` / ``model.bfloat16()`` on inputs of that dtype (their
error is against the same float32 model). The ``int8`` variant quantizes the model with PT2E
(torchao's ``XNNPACKQuantizer``, per-channel weights, calibrated on the example input and 32
noisy copies of it), compiles the ``convert_pt2e`` graph to integer hardware, runs it on the
quantized input and dequantizes its output; it also counts the int8 outputs that differ from
PyTorch's q/dq model and checks them bit for bit against the integer reference. Prints one
table: cycles, maximum absolute error against the float32 model, the largest |output| (the
scale the error is relative to) and the yosys ``synth_xilinx`` estimate (LUT, FF, DSP,
BRAM; torch2calyx.synth, as bench/run.py), and writes bench/results/precision.json.

The CNN runs on a cropped image (default 12x16, ``--cnn-crop HxW``; 60x80 is the published
size) to keep simulation and synthesis short.

``--layer-precision 'fc1=bf16,*=f32'`` adds a per-layer map (as ``--precision`` of the CLI
takes it) as one more variant.

Usage: python bench/precision.py [--models ffnn,cnn,mha] [--precisions f32,f16,bf16]
       [--layer-precision MAP] [--half-models] [--no-synth] [--cnn-crop HxW]
       [--synth-timeout S]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = ("ffnn", "cnn", "mha")
PRECISIONS = ("f32", "f16", "bf16", "int8")


def quantize_pt2e(model, inputs: tuple, *, per_channel: bool = True, reference: bool = False):
    """PT2E post-training int8 quantization (XNNPACKQuantizer), calibrated on the inputs and
    32 copies with Gaussian noise of 0.1 of their standard deviation; ``reference`` gives
    ``convert_pt2e``'s reference representation instead of the q/dq graph."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
        from torchao.testing.pt2e._xnnpack_quantizer import (
            XNNPACKQuantizer,
            get_symmetric_quantization_config,
        )

        exported = torch.export.export(model, inputs).module()
        quantizer = XNNPACKQuantizer().set_global(
            get_symmetric_quantization_config(is_per_channel=per_channel)
        )
        prepared = prepare_pt2e(exported, quantizer)
        gen = torch.Generator().manual_seed(0)
        prepared(*inputs)
        for _ in range(32):
            prepared(*(x + 0.1 * x.std() * torch.randn(x.shape, generator=gen) for x in inputs))
        return convert_pt2e(prepared, use_reference_representation=reference)


def run_one(name: str, variant: str, out_root: Path, *, synth: bool, timeout: float) -> dict:
    """Compile and simulate one model in one precision; ``variant`` is a precision= value,
    or ``"f16 model"`` / ``"bf16 model"`` for the model converted with .half()/.bfloat16()."""
    import torch
    import torch2calyx
    from torch2calyx.modelfile import load_model_file

    model, inputs = load_model_file(HERE / "models" / f"{name}.py")
    with torch.no_grad():
        reference = model(*inputs)
    kwargs = {}
    integer = None
    if variant == "int8":
        from torch2calyx.frontend.quantized import integer_model

        model = quantize_pt2e(model, inputs)
        integer = integer_model(model, inputs)
    elif variant.endswith("model"):
        dtype = torch.float16 if variant.startswith("f16") else torch.bfloat16
        model = model.to(dtype)
        inputs = tuple(x.to(dtype) for x in inputs)
    elif "=" in variant:
        from torch2calyx.precision import parse_cli_precision

        kwargs["precision"] = parse_cli_precision(variant)
    else:
        kwargs["precision"] = variant
    slug = "".join(c if c.isalnum() or c in "._" else "_" for c in variant.replace("*", "all"))
    out_dir = out_root / f"{name}_{slug}"
    start = time.perf_counter()
    design = torch2calyx.compile(model, inputs, out_dir=out_dir, **kwargs)
    compile_s = time.perf_counter() - start
    record = {}
    if integer is not None:
        quantized = integer.quantize_inputs(*inputs)
        result = design.simulate(*quantized)
        (want,) = integer.module(*quantized)
        qdq = integer.output_params[0].quantize(model(*inputs))
        record["bit_exact"] = bool(torch.equal(result.outputs[0], want))
        diff = (result.outputs[0].int() - qdq.int()).abs()
        record["differ_from_qdq"] = f"{int((diff > 0).sum())} of {diff.numel()}"
        record["max_diff_from_qdq"] = int(diff.max())
        got = integer.dequantize_outputs(result.outputs[0])[0].double()
    else:
        result = design.simulate(*inputs)
        got = result.outputs[0].double()
    record |= {
        "model": name,
        "variant": variant,
        "cycles": result.cycles,
        "max_abs_error": float((got - reference.double()).abs().max()),
        "max_abs_output": float(reference.abs().max()),
        "compile_s": round(compile_s, 1),
        "design_dir": str(out_dir),
    }
    if synth:
        from torch2calyx.synth import SynthesisError, estimate

        try:
            est = estimate(design.verilog, top=design.metadata.top, timeout=timeout)
            record["synth"] = {
                "LUT": est.lut,
                "FF": est.ff,
                "DSP": est.dsp,
                "BRAM": est.bram,
                "seconds": round(est.seconds, 1),
            }
        except SynthesisError as exc:
            record["synth"] = {"error": str(exc)}
    return record


def print_table(records: list[dict]) -> None:
    head = ["model", "precision", "cycles", "max |err| vs f32", "max |out|", "LUT", "FF"]
    head += ["DSP", "BRAM"]
    rows = []
    for r in records:
        if "error" in r:
            rows.append([r["model"], r["variant"], "failed: " + r["error"][:60]])
            continue
        s = r.get("synth", {})
        rows.append(
            [
                r["model"],
                r["variant"],
                f"{r['cycles']:,}",
                f"{r['max_abs_error']:.3g}",
                f"{r['max_abs_output']:.3g}",
                *(f"{s[k]:,}" if isinstance(s.get(k), int | float) else "-" for k in head[5:]),
            ]
        )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--precisions", default=",".join(PRECISIONS))
    parser.add_argument(
        "--half-models", action="store_true", help="also model.half() and model.bfloat16()"
    )
    parser.add_argument(
        "--layer-precision",
        action="append",
        default=[],
        help="a per-layer map as one more variant, e.g. 'fc1=bf16,*=f32' (repeatable)",
    )
    parser.add_argument("--no-synth", action="store_true", help="skip the yosys estimate")
    parser.add_argument("--synth-timeout", type=float, default=1200.0)
    parser.add_argument("--cnn-crop", default="12x16", help="HxW image of the CNN")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "precision")
    args = parser.parse_args()

    os.environ["T2C_CNN_CROP"] = args.cnn_crop
    sys.path.insert(0, str(HERE.parent / "python"))
    from torch2calyx.errors import Torch2CalyxError

    models = [m for m in args.models.split(",") if m]
    variants = [p for p in args.precisions.split(",") if p]
    unknown = [m for m in models if m not in MODELS] + [p for p in variants if p not in PRECISIONS]
    if unknown:
        parser.error(f"unknown model/precision {unknown}; models {MODELS}, precisions {PRECISIONS}")
    if args.half_models:
        variants += ["f16 model", "bf16 model"]
    variants += args.layer_precision
    print(f"cnn: {args.cnn_crop} image (--cnn-crop)", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out.parent / "precision.json"
    records = []
    for name in models:
        for variant in variants:
            print(f"[precision] {name} {variant} ...", file=sys.stderr, flush=True)
            try:
                record = run_one(
                    name, variant, args.out, synth=not args.no_synth, timeout=args.synth_timeout
                )
            except Torch2CalyxError as exc:
                record = {"model": name, "variant": variant, "error": str(exc)}
            records.append(record)
            print(json.dumps(record), file=sys.stderr, flush=True)
            # after every design: a long run that is stopped keeps what it measured
            data = {"cnn_crop": args.cnn_crop, "records": records}
            path.write_text(json.dumps(data, indent=1) + "\n")
    print_table(records)
    print(f"wrote {path}")
    return 0 if all("error" not in r for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
