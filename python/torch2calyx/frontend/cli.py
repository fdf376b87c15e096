"""``torch2calyx lower``: a model file, an .mlir file or an .onnx model -> loop-level MLIR."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from torch2calyx.errors import FrontendError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``lower`` subcommand to the torch2calyx command line."""
    p = subparsers.add_parser(
        "lower",
        help="lower a model file (or .mlir, .onnx) to loop-level MLIR",
        description="Lower MODEL.py (defining `model` and `example_inputs`), an .mlir file "
        "(linalg on tensors, or loop-level MLIR such as Allo emits) or an .onnx model to "
        "loop-level MLIR: "
        "func/arith/math/memref/affine ops, weights as inline memref.global constants, "
        "inputs then outputs as memref arguments named by `t2c.name`.",
    )
    p.add_argument("source", type=Path, metavar="MODEL", help="MODEL.py, FILE.mlir or MODEL.onnx")
    p.add_argument(
        "-o", "--output", type=Path, default=None, help="write the MLIR here (default: stdout)"
    )
    p.add_argument(
        "--json",
        type=Path,
        default=None,
        metavar="PATH",
        help="also write the lowered module with its argument table as JSON",
    )
    p.add_argument(
        "--func",
        dest="func_name",
        metavar="NAME",
        default=None,
        help="top-level function name (default: forward)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="run the loop-level MLIR on the CPU and compare with PyTorch (model files) or "
        "onnxruntime (.onnx models, on inputs generated from the input shapes, seed 0)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Execute ``torch2calyx lower`` with parsed ``args``."""
    from torch2calyx import frontend

    source: Path = args.source
    if not source.exists():
        raise FrontendError(f"{source}: no such file")
    model = inputs = expected = None
    reference = "PyTorch"
    if source.suffix == ".mlir":
        if args.check:
            raise FrontendError("--check needs a model file (MODEL.py) to compare with PyTorch")
        lowered = frontend.lower_mlir_file(source, func_name=args.func_name)
    elif source.suffix == ".onnx":
        from torch2calyx.frontend import onnx_input

        lowered = onnx_input.lower_onnx_file(source)
        if args.check:
            inputs = onnx_input.example_inputs(source)
            expected = onnx_input.run_onnxruntime(source, inputs)
            reference = "onnxruntime"
    else:
        from torch2calyx.modelfile import load_model_file

        model, inputs = load_model_file(source)
        lowered = frontend.lower(model, inputs, func_name=args.func_name or "forward")

    if args.output is None:
        sys.stdout.write(lowered.mlir)
    else:
        args.output.write_text(lowered.mlir)
    if args.json is not None:
        args.json.write_text(lowered.to_json())
    for a in lowered.args:
        print(f"  {a.name:6s} {a.role:6s} {a.dtype}{list(a.shape)}", file=sys.stderr)
    if args.check:
        if expected is None:
            import torch

            with torch.no_grad():
                expected = model(*inputs)
        return _check(frontend, lowered, expected, inputs, reference)
    return 0


def _check(frontend, lowered, expected, inputs, reference: str) -> int:
    if not isinstance(expected, tuple | list):
        expected = (expected,)
    got = frontend.run_reference(lowered, inputs)
    ok = True
    for arg, want, have in zip(lowered.outputs, expected, got, strict=True):
        if want.dtype.is_floating_point:
            err = (want.double() - have.double()).abs().max().item()
            good = err <= 1e-5 + 1e-5 * want.abs().max().item()
        else:
            err = (want.long() - have.long()).abs().max().item()
            good = err == 0
        ok &= good
        print(
            f"  {arg.name}: max |{reference} - loops| = {err:.3g} {'ok' if good else 'MISMATCH'}",
            file=sys.stderr,
        )
    return 0 if ok else 1
