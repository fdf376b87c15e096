"""``torch2calyx.compile``: PyTorch model (or MLIR file) to a simulated-ready hardware design.

The stages, each a file format real tools speak (see ARCHITECTURE.md):

1. front end   nn.Module + example inputs -> loop-level MLIR (``lowered.mlir``)
2. passes      flatten-memrefs, externalize-globals, legalize-float-ops, lower-to-calyx,
               export-calyx -> ``program.futil`` + weights JSON
3. calyx       ``program.futil`` -> one SystemVerilog file ``design.sv``

The output directory is written atomically: everything goes to a sibling directory
``<out_dir>.partial-XXXX`` that is renamed into place only when every stage succeeded. A failed
compile leaves the old directory (if any) untouched, removes the partial one (kept, with every
intermediate, under ``keep_intermediates``) and writes ``<out_dir>.error.txt`` with the stage,
the cause, the fix and, for pass failures, the exact ``t2c-opt`` command and its input file.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch2calyx.design import Design, DesignMetadata, MemoryInfo, calyx_format
from torch2calyx.errors import Torch2CalyxError
from torch2calyx.lanes import Lanes, check_lanes
from torch2calyx.precision import Precision, check_precision
from torch2calyx.profile import layer_records

#: The native pass pipeline from loop-level MLIR to Calyx, in order. flatten-memrefs first:
#: externalize-globals and lower-to-calyx only handle 1-D memories; legalize-float-ops before
#: lower-to-calyx, which has no lowering for ops without a Calyx primitive.
PASS_PIPELINE = (
    # half-precision Linear weights: torch-mlir's f32 copy of the weight, read at the source
    # instead (on the N-d loops, before flatten-memrefs linearizes their indices)
    "fold-conversion-copies",
    "flatten-memrefs",
    "externalize-globals",
    "legalize-float-ops",
    # f16/bf16 <-> f32 conversions (half-precision models accumulate in f32, as PyTorch's
    # kernels do) as integer logic: after legalize-float-ops, which narrows f64 to f32,
    # and before pipeline-loops, which pipelines only nests of ops with a Calyx lowering
    "expand-float-conversions",
    "lower-to-calyx",
    # combinational cells lower-to-calyx built twice (an odometer's last-iteration compare
    # and the same compare in the nest's body) become one
    "merge-comb-cells",
)

#: ``compile(float_stages=...)``: the pipeline depths (= latency in cycles) the float adders
#: and multipliers come in (``std_addFN`` / ``pipelined_addFN``, ``..._s4``, ``..._s7``).
FLOAT_STAGES = (2, 4, 7)
DEFAULT_FLOAT_STAGES = 2

#: With ``pipeline=True`` (the default): materialize-divisions computes divisions repeated
#: across a loop once (a divider cannot be pipelined), forward-fills folds buffer fills into
#: the nests that accumulate into them, pipeline-loops reshapes and marks the nests that
#: lower-to-calyx turns into pipelines starting one iteration per cycle (canonicalize
#: cleans up after it).
PIPELINING_PASSES = (
    "materialize-divisions",
    "forward-fills",
    "pipeline-loops",
    "canonicalize",
    "cse",
)


#: With ``share=True`` (the default): outline-repeated-nests, last before lower-to-calyx, so
#: that it compares nests in their final form (pipelining marks, lanes and banks included)
#: and every copy of a repeated nest had the same optimisations applied.
SHARING_PASSES = ("outline-repeated-nests",)


def pass_pipeline(
    *,
    pipeline: bool = True,
    lanes: int | Lanes = 1,
    precision: str | Precision = "f32",
    float_stages: int = DEFAULT_FLOAT_STAGES,
    share: bool = True,
) -> tuple[str, ...]:
    """The native pass pipeline for the given options. ``lanes`` > 1 adds unroll-lanes
    (each pipelined nest split into that many parallel lanes) and bank-memories (the
    memories the lanes index split into banks) after pipeline-loops. ``precision``
    ``"f16"``/``"bf16"`` (or a per-layer :class:`~torch2calyx.precision.Precision`) adds
    narrow-float-precision before externalize-globals (so that the weights are written
    narrowed). ``float_stages`` other than 2 is lower-to-calyx's float-stages (deeper float
    adders and multipliers) and pipeline-loops' interleave (as many partial sums per
    reduction as the adder has stages, so that it still accepts one addition per cycle).
    ``share`` adds outline-repeated-nests (repeated runs of loop nests become one function,
    one Calyx component invoked per use)."""
    at, end = PASS_PIPELINE.index("externalize-globals"), PASS_PIPELINE.index("lower-to-calyx")
    front = PASS_PIPELINE[:at]
    precision = check_precision(precision)
    if precision.narrows:
        front += (f"narrow-float-precision{{{precision.pass_options()}}}",)
    front += PASS_PIPELINE[at:end]
    back = PASS_PIPELINE[end:]
    interleave = ""
    if float_stages != DEFAULT_FLOAT_STAGES:
        back = tuple(
            f"lower-to-calyx{{float-stages={float_stages}}}" if p == "lower-to-calyx" else p
            for p in back
        )
        interleave = f" interleave={float_stages}"
    if share:
        back = SHARING_PASSES + back
    if not pipeline:
        return front + back
    passes = PIPELINING_PASSES
    lanes = lanes if isinstance(lanes, Lanes) else Lanes(default=lanes)
    if interleave and lanes.most == 1:
        passes = tuple(
            f"pipeline-loops{{{interleave.strip()}}}" if p == "pipeline-loops" else p
            for p in passes
        )
    if lanes.most > 1:
        at = passes.index("pipeline-loops") + 1
        lane_passes = (
            f"pipeline-loops{{{lanes.pass_options()}{interleave}}}",
            f"unroll-lanes{{{lanes.pass_options()}}}",
            "bank-memories",
        )
        passes = passes[: at - 1] + lane_passes + passes[at:]
    return front + passes + back


def check_float_stages(float_stages: Any) -> int:
    """``float_stages`` as one of :data:`FLOAT_STAGES`, or a clear error."""
    if isinstance(float_stages, bool) or float_stages not in FLOAT_STAGES:
        raise Torch2CalyxError(
            f"float_stages={float_stages!r}: choose one of "
            f"{', '.join(map(str, FLOAT_STAGES))} (the pipeline depth, in cycles, of the float "
            "adders and multipliers: deeper runs at a higher clock, see the README's "
            "'Board-ready output')"
        )
    return int(float_stages)


def _module_names(model: Any) -> list[str] | None:
    """The names per-layer lanes may use: ``model.named_modules()``'s, an ``.onnx`` model's
    layers (and their parents), None for an ``.mlir`` file."""
    if isinstance(model, str | os.PathLike) and Path(model).suffix == ".onnx":
        from torch2calyx.frontend.onnx_input import layer_names

        return layer_names(model)
    named = getattr(model, "named_modules", None)
    return [name for name, _ in named()] if callable(named) else None


@dataclass(frozen=True)
class CompileOptions:
    """Keyword options of :func:`compile`."""

    backend: str = "builtin"
    simulator: str = "verilator"
    keep_intermediates: bool = False
    progress: bool | None = None
    pipeline: bool = True
    lanes: Lanes = Lanes()
    interface: str = "testbench"
    precision: Precision = Precision()
    float_stages: int = 2
    share: bool = True


class _Progress:
    """Stage messages on stderr, only when stderr is a terminal (or when forced)."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[torch2calyx] {message}", file=sys.stderr, flush=True)


def compile(  # noqa: A001 - the public name the API promises
    model: Any,
    example_inputs: Sequence[Any] | None = None,
    *,
    out_dir: str | Path | None = None,
    backend: str = "builtin",
    simulator: str = "verilator",
    keep_intermediates: bool = False,
    progress: bool | None = None,
    pipeline: bool = True,
    lanes: int | dict[str, int] = 1,
    interface: str = "testbench",
    precision: str | dict[str, str] = "f32",
    float_stages: int = 2,
    share: bool = True,
) -> Design:
    """Compile a PyTorch model, or a ``.mlir`` or ``.onnx`` file, to a hardware design.

    ``model`` is an ``nn.Module`` (with ``example_inputs``, a tuple of tensors), the path of
    an ``.mlir`` file holding linalg-on-tensors or loop-level MLIR, or the path of an ``.onnx``
    model (through torch-mlir's ONNX importer, see :mod:`torch2calyx.frontend.onnx_input`).
    ``out_dir=None`` writes to a temporary directory that lives as long as the returned
    :class:`Design`. ``backend`` selects the Calyx compiler (``"builtin"`` or ``"calyx"``, the
    real compiler when on PATH); ``simulator`` is the default of :meth:`Design.simulate`
    (``"verilator"`` or ``"icarus"``).
    ``keep_intermediates`` keeps every stage's file (``lowered.mlir``, ``flat.mlir``, ...).
    ``pipeline`` (default True) pipelines loop nests to one iteration per cycle on fully
    pipelined float units; ``False`` gives the sequential hardware (one shared unit each).
    ``lanes`` (a power of 2, default 1) runs each pipelined loop nest on that many parallel
    lanes, each with its own units, with the memories they index split into banks; a dict
    gives counts per layer by module name, ``{"fc1": 8, "*": 2}`` (see
    :mod:`torch2calyx.lanes`).
    ``interface`` is the top's: ``"testbench"`` (default; memories inside ``main``, loaded by
    the simulation testbench) or ``"memories"`` (input and output memories as ports of
    ``main``, weights in on-chip memories loaded from ``.hex`` files; see
    :mod:`torch2calyx.interfaces`).
    ``precision`` (``"f32"``, default: the model's own types; ``"f16"`` or ``"bf16"``)
    compiles a float32 model onto binary16 or bfloat16 units: weights and every internal
    value are narrowed (rounded to nearest-even), inputs and outputs stay float32 memories,
    converted as they are read and written. A dict gives types per layer by module name,
    ``{"fc1": "bf16", "*": "f32"}`` (see :mod:`torch2calyx.precision`).
    ``float_stages`` (2, default; 4 or 7) is the pipeline depth, in cycles, of the float
    adders and multipliers: deeper units run at a higher clock (on ECP5 the FFNN goes from
    40 MHz at 2 to 111 MHz at 7, see the README's "Board-ready output") for a few more
    cycles per pipelined loop nest and per sequential float operation.
    ``share`` (default True) gives a run of loop nests that repeats (an LSTM's time steps,
    attention heads, repeated blocks) one Calyx component, instantiated once and invoked per
    use; ``False`` gives every repetition hardware of its own (for comparison). The size of
    the program (components, instances, ``.futil`` lines and bytes) is in ``metadata.json``.
    """
    from torch2calyx.interfaces import check_interface

    options = CompileOptions(
        pipeline=pipeline,
        lanes=check_lanes(lanes, _module_names(model)),
        interface=check_interface(interface),
        precision=check_precision(precision, _module_names(model)),
        float_stages=check_float_stages(float_stages),
        share=bool(share),
        backend=backend,
        simulator=simulator,
        keep_intermediates=keep_intermediates,
        progress=progress,
    )
    keepalive = None
    if out_dir is None:
        keepalive = tempfile.TemporaryDirectory(prefix="torch2calyx-")
        final_dir = Path(keepalive.name) / "design"
    else:
        final_dir = Path(out_dir)
    final_dir = final_dir.absolute()
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{final_dir.name}.partial-", dir=final_dir.parent))
    error_report = final_dir.with_name(final_dir.name + ".error.txt")
    try:
        metadata = _build(model, example_inputs, staging, options)
    except Torch2CalyxError as exc:
        # with keep_intermediates the staging directory stays where it is: the intermediates
        # and the passes' repro file (which the error message names) are what one debugs with
        kept = staging if options.keep_intermediates else None
        _write_error_report(error_report, exc, staging, kept)
        if kept is None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _make_shareable(staging)
    if final_dir.exists():
        shutil.rmtree(final_dir)
    os.replace(staging, final_dir)
    error_report.unlink(missing_ok=True)
    return Design(final_dir, metadata, simulator=options.simulator, keepalive=keepalive)


def _build(
    model: Any, example_inputs: Sequence[Any] | None, work: Path, options: CompileOptions
) -> DesignMetadata:
    from torch2calyx import frontend

    say = _Progress(options.progress)
    seconds: dict[str, float] = {}

    def timed(stage: str, fn: Callable[[], Any]) -> Any:
        say(f"{stage} ...")
        start = time.perf_counter()
        value = fn()
        seconds[stage] = round(time.perf_counter() - start, 3)
        return value

    if isinstance(model, str | os.PathLike):
        # the file's name, not its path: nothing in a design directory points outside it
        source = Path(model).name
        if Path(model).suffix == ".onnx":
            from torch2calyx.frontend.onnx_input import lower_onnx_file

            lowered = timed("frontend", lambda: lower_onnx_file(Path(model)))
        else:
            lowered = timed("frontend", lambda: frontend.lower_mlir_file(Path(model)))
    else:
        if example_inputs is None:
            raise Torch2CalyxError(
                "compile(model, example_inputs): example_inputs is required for an nn.Module"
            )
        source = type(model).__name__
        inputs = (
            tuple(example_inputs) if isinstance(example_inputs, list | tuple) else (example_inputs,)
        )
        lowered = timed("frontend", lambda: frontend.lower(model, inputs))
    futil, weights = timed("passes", lambda: _run_passes(lowered.mlir, work, options))
    (work / "program.futil").write_text(futil)

    memories = [
        MemoryInfo(name=a.name, role=a.role, index=a.index, shape=tuple(a.shape), dtype=a.dtype)
        for a in lowered.args
    ]
    sources = {w.name: w for w in lowered.weights}
    memories += [
        _weight_memory(name, k, entry, sources.get(name), options.precision)
        for k, (name, entry) in enumerate(weights.items())
    ]
    data = dict(weights)
    for mem in memories:
        if mem.role != "weight":
            data[mem.name] = {"data": [0] * mem.size, "format": calyx_format(mem.dtype)}
    (work / "data.json").write_text(json.dumps(data) + "\n")

    timed("calyx", lambda: _compile_calyx(work / "program.futil", work / "design.sv", options))
    if options.interface != "testbench":
        from torch2calyx import interfaces

        roles = {m.name: m.role for m in memories}
        timed("interface", lambda: interfaces.apply(work, options.interface, roles))

    metadata = DesignMetadata(
        memories=memories,
        source=source,
        stage_seconds=seconds,
        interface=options.interface,
        lanes=options.lanes.record(),
        nests=pipelined_nests(futil),
        layers=layer_records(futil, getattr(lowered, "layers", {})),
        precision=options.precision.record(),
        float_stages=options.float_stages,
        share=options.share,
        size=program_size(futil),
        quantization=getattr(lowered, "quantization", None),
    )
    (work / "metadata.json").write_text(metadata.to_json())
    return metadata


_NEST_NOTE = re.compile(
    r"// pipelined loop nest: initiation interval (\d+), (\d+) iterations(?:, (\d+) lanes)?"
    r"(?:, trip count (\d+) padded to (\d+))?"
    r"\s*(?:static<\d+> )?group \w+(?:<\"t2c_layer\"=(\d+)>)?"
)
_LAYER_NOTE = re.compile(r"^// layer (\d+): (.*)$", re.M)


def pipelined_nests(futil: str) -> list[dict]:
    """The pipelined loop nests of a program, from the notes export-calyx writes, each with
    the PyTorch layer it computes (None when its location names none)."""
    layers = dict(_LAYER_NOTE.findall(futil))
    nests = []
    for k, (ii, n, lanes, trips, padded_to, layer) in enumerate(_NEST_NOTE.findall(futil)):
        nest = {
            "nest": k,
            "ii": int(ii),
            "iterations": int(n),
            "lanes": int(lanes or 1),
            "layer": layers.get(layer),
        }
        if trips:
            # unroll-lanes padded the split loop: its trip count, and the multiple of the
            # lane count it runs (the lanes past the trip count are disabled)
            nest["padded"] = {"trips": int(trips), "to": int(padded_to)}
        nests.append(nest)
    return nests


_COMPONENT = re.compile(r"^component (\w+)", re.M)
_CELL = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(\w+) = (\w+)\(", re.M)


def program_size(futil: str) -> dict[str, int]:
    """The size budget of a Calyx program: its components, the instances of them (cells
    whose type is one of the program's components, ``main`` counted as one), and its
    ``.futil`` lines and bytes."""
    components = set(_COMPONENT.findall(futil))
    instances = 1 + sum(1 for _, kind in _CELL.findall(futil) if kind in components)
    return {
        "components": len(components),
        "instances": instances,
        "futil_lines": futil.count("\n") + (0 if futil.endswith("\n") or not futil else 1),
        "futil_bytes": len(futil.encode()),
    }


def _weight_memory(
    name: str, index: int, entry: dict, source: Any, precision: Precision | None = None
) -> MemoryInfo:
    """The metadata of a weight memory: the PyTorch tensor it holds, as the front end saw it
    (``source``, a :class:`~torch2calyx.frontend.WeightInfo`; under a narrower ``precision``
    a float32 parameter stored narrowed), else its flat words."""
    from torch2calyx.design import PRECISIONS

    dtype = _dtype_of_format(entry["format"])
    words = len(entry["data"])
    narrowed = (
        source is not None
        and source.dtype == "float32"
        and dtype in {PRECISIONS[p] for p in (precision or Precision()).used}
    )
    if (
        source is None
        or (source.dtype != dtype and not narrowed)
        or math.prod(source.shape) != words
    ):
        return MemoryInfo(name=name, role="weight", index=index, shape=(words,), dtype=dtype)
    return MemoryInfo(
        name=name,
        role="weight",
        index=index,
        shape=tuple(source.shape),
        dtype=dtype,
        pytorch_name=source.pytorch_name,
        permutation=source.permutation,
    )


def _run_passes(mlir: str, work: Path, options: CompileOptions) -> tuple[str, dict]:
    """Run the native pipeline; returns the Calyx text and the weights' data JSON."""
    from torch2calyx import passes

    return passes.lower_to_calyx(
        mlir,
        pipeline=pass_pipeline(
            pipeline=options.pipeline,
            lanes=options.lanes,
            precision=options.precision,
            float_stages=options.float_stages,
            share=options.share,
        ),
        keep_dir=work if options.keep_intermediates else None,
    )


def _compile_calyx(futil: Path, out: Path, options: CompileOptions) -> None:
    from torch2calyx import calyx

    calyx.compile_file(futil, out, backend=options.backend)


def _dtype_of_format(fmt: dict) -> str:
    width = int(fmt["width"])
    if fmt["numeric_type"] == "ieee754_float":
        return "bfloat16" if fmt.get("exp_width") == 8 and width == 16 else f"float{width}"
    if width == 1:
        return "bool"
    return f"int{width}" if fmt.get("is_signed", True) else f"uint{width}"


def _make_shareable(directory: Path) -> None:
    """Give the staging directory the mode a plain ``mkdir`` would (mkdtemp makes it 0700)."""
    umask = os.umask(0)
    os.umask(umask)
    directory.chmod(0o777 & ~umask)


def _write_error_report(
    report: Path, exc: Torch2CalyxError, staging: Path, kept: Path | None
) -> None:
    lines = [f"torch2calyx compile failed in stage '{exc.stage}'", "", str(exc), ""]
    if kept is not None:
        lines.append(f"the intermediate files are in {kept}")
    elif staging.exists() and any(staging.iterdir()):
        lines.append("intermediate files were discarded; rerun with --keep-intermediates to")
        lines.append("keep them")
    try:
        report.write_text("\n".join(lines) + "\n")
    except OSError:
        pass
