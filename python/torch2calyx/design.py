"""The compiled design: its files on disk, the memory map, and simulation against PyTorch.

A :class:`Design` is what :func:`torch2calyx.compile` returns and what
``torch2calyx simulate DIR`` loads. Its directory holds

- ``program.futil``  the Calyx program (top component ``main``),
- ``design.sv``      one SystemVerilog file: the design and every primitive it uses,
- ``design.sv.manifest.json``  a Morty-style manifest: ``design.sv`` and the primitive
  library files its primitives come from (relative to the library root),
- ``data.json``      Calyx data JSON: weights, and zero-filled inputs and outputs,
- ``metadata.json``  which memory is which model input, output or weight, with its PyTorch
  name, shape and dtype and the memory's layout (:class:`MemoryInfo`),
- ``example_inputs.npz``  written by the CLI's ``compile`` of a model file only,
- ``loops.mlir``, ``lowered.mlir``  only with ``keep_intermediates``.

Every path the directory records is relative to it (or to the primitive library), so it can
be moved or copied. Memories are 1-D: memory word ``i`` holds element ``i`` of
``tensor.permute(*permutation).flatten()`` (row-major), where ``tensor`` has the recorded
PyTorch shape.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from torch2calyx.errors import SimulationError, Torch2CalyxError

METADATA_VERSION = 2
#: versions :meth:`DesignMetadata.from_json` reads (1 lacks PyTorch names and layouts)
READABLE_METADATA_VERSIONS = (1, 2)

#: How metadata.json describes the layout of every memory.
LAYOUT_NOTE = (
    "every memory is 1-D: word i holds element i of tensor.permute(*permutation) flattened "
    "row-major (C order), where tensor has the recorded shape and dtype"
)

#: Cycles a design may run before simulation gives up. Whole models run for millions of
#: cycles (the benchmark CNN about 25 million), so the limit only catches designs that hang.
DEFAULT_CYCLE_LIMIT = 200_000_000

#: PyTorch dtype name -> (Calyx numeric_type, is_signed, width)
DTYPE_FORMATS: dict[str, tuple[str, bool, int]] = {
    "float16": ("ieee754_float", True, 16),
    "bfloat16": ("ieee754_float", True, 16),
    "float32": ("ieee754_float", True, 32),
    "float64": ("ieee754_float", True, 64),
    "bool": ("bitnum", False, 1),
    "uint8": ("bitnum", False, 8),
    "int8": ("bitnum", True, 8),
    "int16": ("bitnum", True, 16),
    "int32": ("bitnum", True, 32),
    "int64": ("bitnum", True, 64),
}


def calyx_format(dtype: str) -> dict[str, Any]:
    """The Calyx data-format record of a PyTorch dtype name such as ``"float32"``."""
    try:
        numeric_type, is_signed, width = DTYPE_FORMATS[dtype]
    except KeyError:
        supported = ", ".join(DTYPE_FORMATS)
        raise Torch2CalyxError(
            f"dtype {dtype!r} has no hardware representation; supported: {supported}"
        ) from None
    fmt: dict[str, Any] = {"numeric_type": numeric_type, "is_signed": is_signed, "width": width}
    if dtype == "bfloat16":  # no IEEE interchange format: its fields are named
        fmt.update(exp_width=8, sig_width=8)
    return fmt


#: ``compile(precision=...)``: the float type a float32 model computes in
PRECISIONS = {"f32": "float32", "f16": "float16", "bf16": "bfloat16"}


@dataclass(frozen=True)
class MemoryInfo:
    """One external memory of the top component and what it holds.

    ``name`` is the Calyx memory (and data-JSON entry); ``shape`` and ``dtype`` are the
    PyTorch tensor's. ``pytorch_name`` is the parameter or buffer a weight holds
    (``"0.weight"``; ``None`` for inputs, outputs and constants that are no parameter).
    The memory holds ``tensor.permute(*order)`` flattened row-major; ``permutation`` is
    ``None`` for the identity.
    """

    name: str
    role: Literal["input", "output", "weight"]
    index: int
    shape: tuple[int, ...]
    dtype: str
    pytorch_name: str | None = None
    permutation: tuple[int, ...] | None = None

    @property
    def size(self) -> int:
        return math.prod(self.shape) if self.shape else 1

    @property
    def order(self) -> tuple[int, ...]:
        """The permutation of the PyTorch dimensions the memory is laid out in."""
        return self.permutation if self.permutation is not None else tuple(range(len(self.shape)))

    def to_record(self) -> dict[str, Any]:
        """The entry of ``metadata.json``."""
        return {
            "name": self.name,
            "pytorch_name": self.pytorch_name,
            "role": self.role,
            "index": self.index,
            "shape": list(self.shape),
            "dtype": self.dtype,
            "layout": "row-major",
            "permutation": list(self.order),
            "words": self.size,
        }

    @classmethod
    def from_record(cls, m: dict[str, Any]) -> MemoryInfo:
        shape = tuple(int(d) for d in m["shape"])
        perm = m.get("permutation")
        perm = tuple(int(d) for d in perm) if perm is not None else None
        if m.get("layout", "row-major") != "row-major" or (
            perm is not None and sorted(perm) != list(range(len(shape)))
        ):
            raise Torch2CalyxError(
                f"metadata.json: memory {m['name']} has layout {m.get('layout')!r} with "
                f"permutation {perm} for shape {list(shape)}, which this torch2calyx cannot "
                "read; recompile the design"
            )
        return cls(
            name=m["name"],
            role=m["role"],
            index=int(m["index"]),
            shape=shape,
            dtype=m["dtype"],
            pytorch_name=m.get("pytorch_name"),
            permutation=None if perm == tuple(range(len(shape))) else perm,
        )


@dataclass
class DesignMetadata:
    """Contents of ``metadata.json``."""

    memories: list[MemoryInfo]
    top: str = "main"
    source: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    version: int = METADATA_VERSION
    interface: str = "testbench"
    #: ``compile(lanes=...)`` (a count, or counts per layer with ``"*"`` for the others),
    #: and what the compiler made of it: one record per pipelined loop
    #: nest (``{"nest": k, "ii": ..., "iterations": ..., "lanes": ..., "layer": ...}``, in
    #: program order; ``layer`` the PyTorch layer it computes, or None).
    lanes: int | dict[str, int] = 1
    nests: list[dict] = field(default_factory=list)
    #: the PyTorch layers (``{"id": k, "name": ..., "macs": ...}``; ``id`` None for a layer
    #: with MACs but no hardware of its own), see :mod:`torch2calyx.profile`
    layers: list[dict] = field(default_factory=list)
    #: ``compile(precision=...)``: ``"f32"`` (the model's own types) or the narrower float
    #: type a float32 model was compiled onto (``"f16"``, ``"bf16"``; its inputs and outputs
    #: stay float32 memories, its weights are stored narrowed); or a per-layer map as given,
    #: with its ``"*"`` (``{"fc1": "bf16", "*": "f32"}``)
    precision: str | dict[str, str] = "f32"
    #: ``compile(float_stages=...)``: pipeline depth (cycles) of the float adders/multipliers
    float_stages: int = 2
    #: ``compile(share=...)``: whether repeated runs of loop nests share one component
    share: bool = True
    #: the size budget: ``{"components", "instances", "futil_lines", "futil_bytes"}``
    #: (:func:`torch2calyx.flow.program_size`)
    size: dict[str, int] = field(default_factory=dict)
    #: a PT2E int8 model's quantization of its int8 inputs and outputs (see
    #: :attr:`torch2calyx.frontend.LoweredModule.quantization`), else None
    quantization: dict | None = None

    @property
    def inputs(self) -> list[MemoryInfo]:
        return sorted((m for m in self.memories if m.role == "input"), key=lambda m: m.index)

    @property
    def outputs(self) -> list[MemoryInfo]:
        return sorted((m for m in self.memories if m.role == "output"), key=lambda m: m.index)

    def to_json(self) -> str:
        record = {
            "version": self.version,
            "top": self.top,
            "interface": self.interface,
            "source": self.source,
            "layout": LAYOUT_NOTE,
            "memories": [m.to_record() for m in self.memories],
            "stage_seconds": self.stage_seconds,
            "lanes": self.lanes,
            "nests": self.nests,
            "layers": self.layers,
            "precision": self.precision,
            "float_stages": self.float_stages,
            "share": self.share,
            "size": self.size,
            "quantization": self.quantization,
        }
        return json.dumps(record, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DesignMetadata:
        record = json.loads(text)
        if record.get("version") not in READABLE_METADATA_VERSIONS:
            raise Torch2CalyxError(
                f"metadata.json has version {record.get('version')!r}, this torch2calyx reads "
                f"version {METADATA_VERSION}; recompile the design"
            )
        memories = [MemoryInfo.from_record(m) for m in record["memories"]]
        return cls(
            memories=memories,
            top=record.get("top", "main"),
            source=record.get("source", ""),
            stage_seconds=record.get("stage_seconds", {}),
            interface=record.get("interface", "testbench"),
            lanes=record.get("lanes", 1),
            nests=record.get("nests", []),
            layers=record.get("layers", []),
            precision=record.get("precision", "f32"),
            float_stages=record.get("float_stages", 2),
            share=record.get("share", True),
            size=record.get("size", {}),
            quantization=record.get("quantization"),
        )


@dataclass
class SimulationResult:
    """What one hardware run produced.

    ``outputs`` always has one tensor per model output, in the model's order, with the shapes
    and dtypes PyTorch gives; ``cycles`` counts clock cycles from ``go`` to ``done``.
    """

    outputs: tuple[Any, ...]
    cycles: int
    memories: dict[str, list] = field(default_factory=dict, repr=False)
    #: with ``simulate(profile=True)``: the measured :class:`~torch2calyx.profile.Profile`
    profile: Any = None


class Design:
    """A compiled design on disk; see the module docstring for its files."""

    def __init__(
        self,
        out_dir: Path,
        metadata: DesignMetadata,
        *,
        simulator: str = "verilator",
        keepalive: tempfile.TemporaryDirectory | None = None,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.metadata = metadata
        self.simulator = simulator
        self._keepalive = keepalive  # owns the directory when out_dir=None was asked for

    @classmethod
    def load(cls, out_dir: str | Path, *, simulator: str = "verilator") -> Design:
        """Open a design directory written by :func:`torch2calyx.compile`."""
        out_dir = Path(out_dir)
        meta_path = out_dir / "metadata.json"
        if not meta_path.is_file():
            raise Torch2CalyxError(
                f"{out_dir} is not a torch2calyx design directory (no metadata.json); "
                "create one with `torch2calyx compile MODEL.py -o DIR`"
            )
        design = cls(out_dir, DesignMetadata.from_json(meta_path.read_text()), simulator=simulator)
        needed = [design.calyx, design.verilog, design.data]
        if design.metadata.interface != "testbench":
            needed.append(out_dir / "interface.json")
        for path in needed:
            if not path.is_file():
                raise Torch2CalyxError(f"design directory {out_dir} is missing {path.name}")
        return design

    @property
    def calyx(self) -> Path:
        return self.out_dir / "program.futil"

    @property
    def verilog(self) -> Path:
        return self.out_dir / "design.sv"

    @property
    def data(self) -> Path:
        return self.out_dir / "data.json"

    @property
    def metadata_path(self) -> Path:
        return self.out_dir / "metadata.json"

    def __repr__(self) -> str:
        return f"Design({str(self.out_dir)!r})"

    def simulate(
        self,
        *inputs: Any,
        simulator: str | None = None,
        cycle_limit: int = DEFAULT_CYCLE_LIMIT,
        progress: bool | None = None,
        profile: bool = False,
    ) -> SimulationResult:
        """Run the hardware on ``inputs`` (tensors or arrays, in the model's input order).

        ``simulator`` overrides the design's default (``"verilator"`` or ``"icarus"``);
        ``cycle_limit`` bounds the run (a :class:`SimulationError` says when it is hit);
        ``progress`` shows the simulator build and a progress bar of long runs on stderr
        (default: only in a terminal); ``profile`` measures the cycles of every PyTorch layer
        (``result.profile``, a :class:`~torch2calyx.profile.Profile`).
        """
        from torch2calyx import profile as prof
        from torch2calyx import sim

        data = self.fill_inputs(inputs)
        kwargs: dict[str, Any] = {
            "data": data,
            "top": self.metadata.top,
            "simulator": simulator or self.simulator,
            # the simulator cache is keyed by the design's hash: a recompiled but unchanged
            # design reuses its compiled model
            "build_dir": None,
            "progress": progress,
        }
        kwargs["cycle_limit"] = cycle_limit
        kwargs["expected_cycles"] = prof.expected_cycles(self.metadata.nests)
        if profile:
            kwargs["profile"] = prof.activity_nets(self.metadata.layers, self.metadata.interface)
        if self.metadata.interface != "testbench":
            # the testbench plays the input and output memories over the top's ports; the
            # weights are on chip, loaded by the design from its .hex files
            from torch2calyx.interfaces import read_interface

            ports = read_interface(self.out_dir)
            kwargs["ports"] = ports
            kwargs["files"] = {
                p.init_file: self.out_dir / p.init_file for p in ports if p.init_file
            }
            kwargs["data"] = {p.name: data[p.name] for p in ports if p.init_file is None}
        if self.metadata.interface == "axi":
            # AXI4-Lite control and AXI4-Stream data, driven by cocotb + cocotbext-axi
            from torch2calyx.sim import axi

            mems, cycles = axi.simulate(
                self.verilog,
                data=kwargs["data"],
                ports=kwargs["ports"],
                files=kwargs["files"],
                top=self.metadata.top,
                cycle_limit=cycle_limit,
            )
            outputs = tuple(_to_tensor(mems[m.name], m) for m in self.metadata.outputs)
            return SimulationResult(outputs=outputs, cycles=cycles, memories=mems)
        raw = sim.simulate(self.verilog, **kwargs)
        outputs = tuple(_to_tensor(raw.memories[m.name], m) for m in self.metadata.outputs)
        measured = None
        if profile:
            measured = prof.build_profile(
                self.metadata.layers, raw.profile, int(raw.cycles), kwargs["simulator"]
            )
        return SimulationResult(
            outputs=outputs, cycles=int(raw.cycles), memories=raw.memories, profile=measured
        )

    def weights(self) -> dict[str, Any]:
        """The weights, read from ``data.json``: ``{PyTorch name: torch.Tensor}``.

        Each tensor has the parameter's (or buffer's) PyTorch shape and dtype, whatever the
        memory's layout, so ``design.weights()["0.weight"]`` equals
        ``model.get_parameter("0.weight")``. Constants that hold no parameter or buffer
        (``pytorch_name`` null in ``metadata.json``) are left out; their data is in
        ``data.json`` under the memory's name.
        """
        data = json.loads(self.data.read_text())
        weights: dict[str, Any] = {}
        for mem in self.metadata.memories:
            if mem.role != "weight" or mem.pytorch_name is None or mem.pytorch_name in weights:
                continue
            if mem.name not in data:
                raise Torch2CalyxError(
                    f"{self.data} has no entry for the memory {mem.name} ({mem.pytorch_name}); "
                    "recompile the design"
                )
            weights[mem.pytorch_name] = _to_tensor(data[mem.name]["data"], mem)
        return weights

    def fill_inputs(self, inputs: Sequence[Any]) -> dict[str, Any]:
        """The data JSON of this design with the model inputs written into their memories."""
        expected = self.metadata.inputs
        if len(inputs) != len(expected):
            raise SimulationError(
                f"the design takes {len(expected)} input(s) "
                f"({', '.join(f'{m.name}{list(m.shape)}' for m in expected)}), "
                f"got {len(inputs)}"
            )
        data = json.loads(self.data.read_text())
        for mem, value in zip(expected, inputs, strict=True):
            data[mem.name] = {"data": _flatten(value, mem), "format": calyx_format(mem.dtype)}
        return data


def _flatten(value: Any, mem: MemoryInfo) -> list:
    import numpy as np

    if hasattr(value, "detach"):
        tensor = value.detach().cpu()
        if str(tensor.dtype) == "torch.bfloat16":  # numpy has no bfloat16; float32 holds it
            if mem.dtype != "bfloat16":
                raise SimulationError(
                    f"input {mem.index} ({mem.name}) has dtype bfloat16, the design was "
                    f"compiled for {mem.dtype}; convert the input (tensor.to(torch.{mem.dtype}))"
                )
            return tensor.float().numpy().transpose(mem.order).reshape(-1).tolist()
        array = tensor.numpy()
    else:
        array = np.asarray(value)
    if tuple(array.shape) != tuple(mem.shape):
        raise SimulationError(
            f"input {mem.index} ({mem.name}) has shape {list(array.shape)}, the design was "
            f"compiled for {list(mem.shape)}; recompile with example inputs of the new shape"
        )
    if str(array.dtype) != mem.dtype:
        raise SimulationError(
            f"input {mem.index} ({mem.name}) has dtype {array.dtype}, the design was compiled "
            f"for {mem.dtype}; convert the input (tensor.to(torch.{mem.dtype}))"
        )
    return array.transpose(mem.order).reshape(-1).tolist()


def _to_tensor(values: list, mem: MemoryInfo) -> Any:
    """The memory's words as a tensor of its PyTorch shape and dtype (undoing the layout)."""
    import numpy as np
    import torch

    wide = np.float64 if "float" in mem.dtype else np.int64
    flat = np.asarray([wide(v) for v in values], dtype=wide).reshape(-1)
    if flat.size != mem.size:
        raise SimulationError(
            f"memory {mem.name} came back with {flat.size} values, expected {mem.size}"
        )
    order = mem.order
    numpy_dtype = "float32" if mem.dtype == "bfloat16" else mem.dtype  # exact for bfloat16
    stored = flat.astype(numpy_dtype).reshape([mem.shape[d] for d in order])
    inverse = tuple(int(d) for d in np.argsort(order))
    # copy(): C-contiguous and, unlike np.ascontiguousarray, keeps 0-d arrays 0-d
    tensor = torch.from_numpy(stored.transpose(inverse).copy())
    return tensor.to(torch.bfloat16) if mem.dtype == "bfloat16" else tensor
