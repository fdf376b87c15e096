"""CLI commands of the whole flow: ``compile``, ``simulate`` and ``verify``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from torch2calyx.design import DEFAULT_CYCLE_LIMIT
from torch2calyx.errors import Torch2CalyxError
from torch2calyx.lanes import parse_cli_lanes
from torch2calyx.precision import check_precision, parse_cli_precision

DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-4
#: verify's default (rtol, atol) when the hardware computes in a half-precision type (an
#: f16/bf16 model, or --precision f16/bf16 against the float32 model): a few units in the last
#: place of the format on outputs of order 1 (binary16 has 11 significant bits, bfloat16 8);
#: measured on the benchmark models in README "Precision"
HALF_TOLERANCES = {"float16": (1e-2, 1e-2), "bfloat16": (5e-2, 5e-2)}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compile",
        help="compile MODEL.py (or kernel.mlir, model.onnx) to Calyx and one SystemVerilog file",
        description="Compile a model file (defining `model` and `example_inputs`), an .mlir "
        "file or an .onnx model into DIR: program.futil, design.sv, data.json, metadata.json "
        "(and example_inputs.npz for a model file, or an .onnx model: inputs generated from "
        "its input shapes with a fixed seed).",
    )
    p.add_argument("source", type=Path, help="MODEL.py, kernel.mlir or model.onnx")
    p.add_argument("-o", "--out", type=Path, required=True, help="output directory")
    _add_compile_options(p)
    p.set_defaults(func=_cmd_compile)

    p = sub.add_parser(
        "simulate",
        help="simulate a compiled design directory",
        description="Run a design compiled by `torch2calyx compile` and print its outputs and "
        "cycle count. Inputs come from --inputs (an .npz with arrays in0, in1, ... or arr_0, "
        "arr_1, ...) or, by default, the model file's example_inputs recorded at compile time.",
    )
    p.add_argument("design", type=Path, help="design directory")
    p.add_argument("--inputs", type=Path, help=".npz file with the input arrays")
    p.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    p.add_argument("--cycle-limit", type=int, default=DEFAULT_CYCLE_LIMIT)
    p.add_argument("--save", type=Path, help="write the outputs to this .npz file")
    p.add_argument(
        "--profile",
        action="store_true",
        help="measure the cycles of every PyTorch layer; prints the table and writes "
        "DIR/profile.json",
    )
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser(
        "verify",
        help="compile MODEL.py (or model.onnx), simulate example inputs, compare with PyTorch "
        "(or onnxruntime)",
        description="Compile, simulate the model's example_inputs, compare every output with "
        "PyTorch and print the maximum error and the cycle count. Exits 1 on a mismatch. An "
        ".onnx model is compared with onnxruntime, on the arrays of --inputs or on inputs "
        "generated from its input shapes with a fixed seed.",
    )
    p.add_argument("source", type=Path, help="MODEL.py or model.onnx")
    p.add_argument(
        "--inputs",
        type=Path,
        help="for an .onnx model: .npz with the input arrays, named after the ONNX inputs or "
        "in0, arr_0, ... (default: generated, seed 0)",
    )
    p.add_argument("-o", "--out", type=Path, default=None, help="keep the design here")
    _add_compile_options(p)
    p.add_argument(
        "--rtol",
        type=float,
        default=None,
        help=f"float relative tolerance (default {DEFAULT_RTOL:g}; with half-precision "
        "arithmetic, an f16/bf16 model or --precision f16/bf16, the defaults of "
        "torch2calyx.flow_cli.HALF_TOLERANCES)",
    )
    p.add_argument(
        "--atol",
        type=float,
        default=None,
        help=f"float absolute tolerance (default {DEFAULT_ATOL:g}; see --rtol)",
    )
    p.add_argument("--cycle-limit", type=int, default=DEFAULT_CYCLE_LIMIT)
    p.add_argument(
        "--profile",
        action="store_true",
        help="measure the cycles of every PyTorch layer (with -o, also writes DIR/profile.json)",
    )
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser(
        "report",
        help="write DIR/report.html: model summary, per-layer profile, resources, options",
        description="Write a self-contained report.html into a design directory. Without a "
        "DIR/profile.json it first runs the profiling simulation on the example inputs "
        "recorded at compile time (or --inputs).",
    )
    p.add_argument("design", type=Path, help="design directory")
    p.add_argument("--inputs", type=Path, help=".npz file with the input arrays")
    p.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    p.add_argument("--cycle-limit", type=int, default=DEFAULT_CYCLE_LIMIT)
    p.set_defaults(func=_cmd_report)


def _add_compile_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=("builtin", "calyx"), default="builtin")
    p.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    p.add_argument(
        "--keep-intermediates", action="store_true", help="keep every stage's file in DIR"
    )
    p.add_argument(
        "--no-pipeline",
        dest="pipeline",
        action="store_false",
        help="sequential hardware: no pipelined loops (for comparison)",
    )
    p.add_argument(
        "--no-share",
        dest="share",
        action="store_false",
        help="no shared components: every repeated loop nest (LSTM time steps, attention "
        "heads, repeated blocks) gets hardware of its own (for comparison)",
    )
    p.add_argument(
        "--lanes",
        default="1",
        metavar="N|LAYER=N,...",
        help="parallel lanes per pipelined loop nest, a power of 2 (default 1); or counts per "
        "layer by module name, '*' for the others: --lanes 'fc1=8,*=2'",
    )
    p.add_argument(
        "--interface",
        choices=("testbench", "memories", "axi"),
        default="testbench",
        help="the top's interface: testbench (memories inside, default) or memories (input "
        "and output memories as ports, weights in on-chip memories from .hex files) or axi "
        "(AXI4-Lite control, AXI4-Stream data)",
    )
    p.add_argument(
        "--precision",
        default="f32",
        help="float type a float32 model computes in: f32 (default, the model's own types), "
        "f16 or bf16 (weights stored narrowed, inputs/outputs stay float32); or types per "
        "layer by module name, '*' for the others: --precision 'fc1=bf16,*=f32'",
    )
    p.add_argument(
        "--float-stages",
        type=int,
        choices=(2, 4, 7),
        default=2,
        help="pipeline depth in cycles of the float adders and multipliers: 2 (default), 4 or "
        "7 (higher Fmax, a few more cycles; see the README's 'Board-ready output')",
    )


def _compile_source(args: argparse.Namespace, out: Path | None) -> tuple[Any, Any, Any]:
    source: Path = args.source
    if not source.exists():
        raise Torch2CalyxError(f"{source}: no such file")

    import torch2calyx
    from torch2calyx.modelfile import load_model_file

    npz = getattr(args, "inputs", None)
    if npz is not None and source.suffix != ".onnx":
        raise Torch2CalyxError(
            f"--inputs applies to .onnx models; {source} brings its own example_inputs"
        )
    if source.suffix == ".onnx":
        from torch2calyx.frontend.onnx_input import example_inputs

        model, inputs = None, example_inputs(source, npz)
    elif source.suffix == ".mlir":
        model, inputs = None, None
    else:
        model, inputs = load_model_file(source)
    with _resource_settings(args):
        design = torch2calyx.compile(
            source if model is None else model,
            inputs,
            out_dir=out,
            backend=args.backend,
            simulator=args.sim,
            keep_intermediates=args.keep_intermediates,
            pipeline=args.pipeline,
            lanes=parse_cli_lanes(args.lanes),
            interface=args.interface,
            precision=parse_cli_precision(args.precision),
            float_stages=args.float_stages,
            share=args.share,
        )
    if inputs is not None:
        saved = inputs
        if design.metadata.quantization is not None and model is not None:
            saved = _integer_inputs(model, inputs)[1]  # what the int8 design takes
        _save_inputs(design.out_dir / "example_inputs.npz", saved)
    return design, model, inputs


def _integer_inputs(model: Any, inputs: tuple) -> tuple[Any, tuple]:
    """A PT2E int8 model's integer reference and its example inputs quantized as its first
    op quantizes them (the int8 tensors the design takes)."""
    from torch2calyx.frontend.quantized import integer_model

    integer = integer_model(model, inputs)
    return integer, integer.quantize_inputs(*inputs)


@contextlib.contextmanager
def _resource_settings(args: argparse.Namespace) -> Iterator[None]:
    """The front end's resource guards (torch2calyx.frontend.resources) check the design
    against the command's --lanes and, for verify, --cycle-limit."""
    lanes = parse_cli_lanes(args.lanes)
    most = max(lanes.values(), default=1) if isinstance(lanes, dict) else lanes
    settings = {"T2C_LANES": str(most)}
    if getattr(args, "cycle_limit", None) is not None:
        settings["T2C_CYCLE_LIMIT"] = str(args.cycle_limit)
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _cmd_compile(args: argparse.Namespace) -> int:
    design, _, _ = _compile_source(args, args.out)
    print(f"wrote {design.calyx}, {design.verilog.name}, {design.data.name}, metadata.json")
    print(size_summary(design.metadata))
    return 0


def size_summary(metadata: Any) -> str:
    """The size budget line of the CLI summary (from metadata.json's ``size``)."""
    size = metadata.size
    if not size:
        return "size: not recorded (design compiled by an older torch2calyx)"
    sharing = "on" if metadata.share else "off (--no-share)"
    return (
        f"size: {size['components']} components, {size['instances']} instances, "
        f"program.futil {size['futil_lines']:,} lines / {size['futil_bytes']:,} bytes; "
        f"sharing {sharing}"
    )


def _cmd_simulate(args: argparse.Namespace) -> int:
    import numpy as np

    from torch2calyx.design import Design

    design = Design.load(args.design, simulator=args.sim)
    npz = args.inputs or design.out_dir / "example_inputs.npz"
    if not npz.is_file():
        raise Torch2CalyxError(
            f"no inputs: pass --inputs FILE.npz (the design {design.out_dir} was compiled from "
            "MLIR and has no example inputs)"
        )
    inputs = _load_inputs(npz, design)
    result = design.simulate(*inputs, cycle_limit=args.cycle_limit, profile=args.profile)
    for mem, tensor in zip(design.metadata.outputs, result.outputs, strict=True):
        print(f"{mem.name} {list(tensor.shape)} {mem.dtype}:")
        print(np.array2string(_numpy_of(tensor), threshold=64, precision=6))
    print(f"cycles: {result.cycles}")
    if result.profile is not None:
        print(result.profile.table())
        print(f"profile: {result.profile.save(design.out_dir)}")
    if args.save:
        np.savez(
            args.save,
            **{
                m.name: _numpy_of(t)
                for m, t in zip(design.metadata.outputs, result.outputs, strict=True)
            },
        )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    import torch

    if args.source.suffix == ".mlir":
        raise Torch2CalyxError(
            "verify needs a MODEL.py (PyTorch is the reference) or a model.onnx (onnxruntime)"
        )
    design, model, inputs = _compile_source(args, args.out)
    integer, run_inputs = None, inputs
    if model is None:
        from torch2calyx.frontend.onnx_input import run_onnxruntime

        expected = run_onnxruntime(args.source, inputs)
    elif design.metadata.quantization is not None:
        # a PT2E int8 model: the design takes and returns int8 tensors, bit-exact with the
        # integer reference of the same graph (torch2calyx.frontend.quantized)
        integer, run_inputs = _integer_inputs(model, inputs)
        expected = integer.module(*run_inputs)
    else:
        with torch.no_grad():
            expected = model(*inputs)
    expected = expected if isinstance(expected, tuple | list) else (expected,)
    result = design.simulate(*run_inputs, cycle_limit=args.cycle_limit, profile=args.profile)
    rtol, atol = _tolerances(args, design, inputs)
    report = compare_outputs(expected, result.outputs, rtol=rtol, atol=atol)
    for line in report.lines:
        print(line)
    if integer is not None:
        with torch.no_grad():
            qdq = model(*inputs)
        qdq = qdq if isinstance(qdq, tuple | list) else (qdq,)
        for k, (want, got) in enumerate(
            zip(qdq, integer.dequantize_outputs(*result.outputs), strict=True)
        ):
            err = float((want.double() - got.double()).abs().max())
            print(
                f"output {k} dequantized: max abs difference {err:.3g} from the PT2E model's "
                "float output (its q/dq graph)"
            )
    print(size_summary(design.metadata))
    print(f"cycles: {result.cycles}")
    if result.profile is not None:
        print(result.profile.table())
        if args.out is not None:
            print(f"profile: {result.profile.save(design.out_dir)}")
    print("verification " + ("PASSED" if report.ok else "FAILED") + f": {args.source}")
    return 0 if report.ok else 1


def _tolerances(args: argparse.Namespace, design: Any, inputs: Any) -> tuple[float, float]:
    """verify's (rtol, atol): the command's, else the defaults for the arithmetic's type."""
    from torch2calyx.design import PRECISIONS

    arithmetic = PRECISIONS[check_precision(design.metadata.precision).coarsest]
    dtypes = {str(t.dtype).removeprefix("torch.") for t in inputs}
    for dtype in ("bfloat16", "float16"):  # the coarser type decides
        if arithmetic == dtype or dtype in dtypes:
            rtol, atol = HALF_TOLERANCES[dtype]
            break
    else:
        rtol, atol = DEFAULT_RTOL, DEFAULT_ATOL
    return (
        rtol if args.rtol is None else args.rtol,
        atol if args.atol is None else args.atol,
    )


def _cmd_report(args: argparse.Namespace) -> int:
    from torch2calyx import report
    from torch2calyx.design import Design
    from torch2calyx.profile import PROFILE_FILE

    design = Design.load(args.design, simulator=args.sim)
    profile = None
    if args.inputs is not None or not (design.out_dir / PROFILE_FILE).is_file():
        npz = args.inputs or design.out_dir / "example_inputs.npz"
        # the axi testbench (cocotb) has no profile counters
        if npz.is_file() and design.metadata.layers and design.metadata.interface != "axi":
            inputs = _load_inputs(npz, design)
            profile = design.simulate(*inputs, cycle_limit=args.cycle_limit, profile=True).profile
            profile.save(design.out_dir)
    path = report.write_report(design.out_dir, profile=profile)
    print(f"wrote {path}")
    return 0


class CompareReport:
    def __init__(self) -> None:
        self.ok = True
        self.lines: list[str] = []


def compare_outputs(
    expected: Any, actual: Any, *, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL
) -> CompareReport:
    """Compare PyTorch outputs with hardware outputs: floats within rtol/atol, ints exactly."""
    import torch

    report = CompareReport()
    if len(expected) != len(actual):
        report.ok = False
        report.lines.append(f"expected {len(expected)} outputs, the hardware gave {len(actual)}")
        return report
    for k, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if want.shape != got.shape or want.dtype != got.dtype:
            report.ok = False
            report.lines.append(
                f"output {k}: expected {list(want.shape)} {want.dtype}, "
                f"got {list(got.shape)} {got.dtype}"
            )
            continue
        if want.dtype.is_floating_point:
            diff = (want.double() - got.double()).abs()
            max_err = float(diff.max()) if diff.numel() else 0.0
            close = torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
            ok = bool(close.all())
            report.lines.append(
                f"output {k} {list(want.shape)} {want.dtype}: max abs error {max_err:.3g} "
                f"(rtol {rtol:g}, atol {atol:g}) {'ok' if ok else 'MISMATCH'}"
            )
        else:
            mismatches = int((want != got).sum())
            ok = mismatches == 0
            report.lines.append(
                f"output {k} {list(want.shape)} {want.dtype}: exact, {mismatches} mismatching "
                f"element(s) {'ok' if ok else 'MISMATCH'}"
            )
        if not ok:
            report.ok = False
            bad = (~close if want.dtype.is_floating_point else want != got).nonzero()[:3]
            for idx in bad.tolist():
                t = tuple(idx)
                report.lines.append(
                    f"  at {list(t)}: expected {want[t].item()!r}, got {got[t].item()!r}"
                )
    return report


def _save_inputs(path: Path, inputs: Any) -> None:
    import numpy as np

    # numpy has no bfloat16: such inputs are saved as float32 (exact) and converted back
    np.savez(path, *[_numpy_of(t.detach().cpu()) for t in inputs])


def _numpy_of(tensor: Any) -> Any:
    import torch

    return tensor.float().numpy() if tensor.dtype == torch.bfloat16 else tensor.numpy()


def _load_inputs(path: Path, design: Any) -> list:
    import numpy as np
    import torch

    with np.load(path) as npz:
        arrays = []
        for k, mem in enumerate(design.metadata.inputs):
            for key in (mem.name, f"arr_{k}"):
                if key in npz:
                    array = torch.from_numpy(npz[key])
                    if mem.dtype == "bfloat16" and array.dtype == torch.float32:
                        array = array.to(torch.bfloat16)  # saved as float32, see _save_inputs
                    arrays.append(array)
                    break
            else:
                raise Torch2CalyxError(
                    f"{path} has no array for input {k}: name it {mem.name!r} or arr_{k} "
                    f"(found: {', '.join(npz.files) or 'nothing'})"
                )
    if len(npz.files) > len(arrays):
        print(f"torch2calyx: note: {path} has extra arrays that are not inputs", file=sys.stderr)
    return arrays
