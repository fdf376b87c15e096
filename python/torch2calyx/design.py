"""The compiled design: its files on disk, the memory map, and simulation against PyTorch.

A :class:`Design` is what :func:`torch2calyx.compile` returns and what
``torch2calyx simulate DIR`` loads. Its directory holds

- ``program.futil``  the Calyx program (top component ``main``),
- ``design.sv``      one SystemVerilog file: the design and every primitive it uses,
- ``data.json``      Calyx data JSON: weights, and zero-filled inputs and outputs,
- ``metadata.json``  which memory is which model input, output or weight, with its PyTorch
  shape and dtype (:class:`MemoryInfo`).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from torch2calyx.errors import SimulationError, Torch2CalyxError

METADATA_VERSION = 1

#: Cycles a design may run before simulation gives up. Whole models run for millions of
#: cycles (the benchmark CNN about 25 million), so the limit only catches designs that hang.
DEFAULT_CYCLE_LIMIT = 200_000_000

#: PyTorch dtype name -> (Calyx numeric_type, is_signed, width)
DTYPE_FORMATS: dict[str, tuple[str, bool, int]] = {
    "float16": ("ieee754_float", True, 16),
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
    return {"numeric_type": numeric_type, "is_signed": is_signed, "width": width}


@dataclass(frozen=True)
class MemoryInfo:
    """One external memory of the top component and what it holds."""

    name: str
    role: Literal["input", "output", "weight"]
    index: int
    shape: tuple[int, ...]
    dtype: str

    @property
    def size(self) -> int:
        return math.prod(self.shape) if self.shape else 1


@dataclass
class DesignMetadata:
    """Contents of ``metadata.json``."""

    memories: list[MemoryInfo]
    top: str = "main"
    source: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    version: int = METADATA_VERSION

    @property
    def inputs(self) -> list[MemoryInfo]:
        return sorted((m for m in self.memories if m.role == "input"), key=lambda m: m.index)

    @property
    def outputs(self) -> list[MemoryInfo]:
        return sorted((m for m in self.memories if m.role == "output"), key=lambda m: m.index)

    def to_json(self) -> str:
        record = asdict(self)
        for mem in record["memories"]:
            mem["shape"] = list(mem["shape"])
        return json.dumps(record, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DesignMetadata:
        record = json.loads(text)
        if record.get("version") != METADATA_VERSION:
            raise Torch2CalyxError(
                f"metadata.json has version {record.get('version')!r}, this torch2calyx reads "
                f"version {METADATA_VERSION}; recompile the design"
            )
        memories = [
            MemoryInfo(
                name=m["name"],
                role=m["role"],
                index=int(m["index"]),
                shape=tuple(m["shape"]),
                dtype=m["dtype"],
            )
            for m in record["memories"]
        ]
        return cls(
            memories=memories,
            top=record.get("top", "main"),
            source=record.get("source", ""),
            stage_seconds=record.get("stage_seconds", {}),
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
        for path in (design.calyx, design.verilog, design.data):
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
    ) -> SimulationResult:
        """Run the hardware on ``inputs`` (tensors or arrays, in the model's input order).

        ``simulator`` overrides the design's default (``"verilator"`` or ``"icarus"``);
        ``cycle_limit`` bounds the run (a :class:`SimulationError` says when it is hit);
        ``progress`` shows the simulator build on stderr (default: only in a terminal).
        """
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
        raw = sim.simulate(self.verilog, **kwargs)
        outputs = tuple(_to_tensor(raw.memories[m.name], m) for m in self.metadata.outputs)
        return SimulationResult(outputs=outputs, cycles=int(raw.cycles), memories=raw.memories)

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

    array = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
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
    return array.reshape(-1).tolist()


def _to_tensor(values: list, mem: MemoryInfo) -> Any:
    import numpy as np
    import torch

    flat = np.asarray(values, dtype=np.float64 if "float" in mem.dtype else np.int64).reshape(-1)
    if flat.size != mem.size:
        raise SimulationError(
            f"memory {mem.name} came back with {flat.size} values, expected {mem.size}"
        )
    return torch.from_numpy(flat.astype(mem.dtype).reshape(mem.shape))
