"""The records the front end hands to later stages: :class:`ArgInfo`, :class:`WeightInfo`
and :class:`LoweredModule`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from torch2calyx.errors import FrontendError

# Element types the front end accepts, by their PyTorch name, with the MLIR element type
# they become. Integer types are signless in MLIR and signed in PyTorch.
DTYPE_TO_MLIR: dict[str, str] = {
    "float16": "f16",
    "bfloat16": "bf16",
    "float32": "f32",
    "float64": "f64",
    "int8": "i8",
    "int16": "i16",
    "int32": "i32",
    "int64": "i64",
}
MLIR_TO_DTYPE: dict[str, str] = {v: k for k, v in DTYPE_TO_MLIR.items()}


@dataclass(frozen=True)
class ArgInfo:
    """One argument of the lowered top-level function.

    ``name`` is also the ``t2c.name`` argument attribute in the MLIR (``in0``, ``in1``, ...,
    ``out0``, ...); ``index`` counts inputs and outputs separately (``out1`` has index 1).
    """

    name: str
    role: Literal["input", "output"]
    index: int
    shape: tuple[int, ...]
    dtype: str

    @property
    def mlir_type(self) -> str:
        """The memref type of this argument, e.g. ``memref<2x4xf32>``."""
        dims = "".join(f"{d}x" for d in self.shape)
        return f"memref<{dims}{DTYPE_TO_MLIR[self.dtype]}>"


@dataclass(frozen=True)
class WeightInfo:
    """A ``memref.global`` of the lowered module: a weight memory of the hardware.

    ``name`` is the global's symbol, which the later stages keep as the name of the Calyx
    memory and of its data-JSON entry. When the global holds a PyTorch parameter or buffer,
    ``pytorch_name`` is its name in ``model.named_parameters()`` / ``named_buffers()``
    (``"0.weight"``), and ``shape`` and ``dtype`` are the PyTorch tensor's; otherwise
    ``pytorch_name`` is ``None`` and they are the global's own. The global's data is
    ``tensor.permute(*permutation)`` in row-major order: ``permutation`` is ``None`` for the
    identity, ``(1, 0)`` for a Linear weight that torch-mlir folded into its transpose.
    """

    name: str
    shape: tuple[int, ...]
    dtype: str
    pytorch_name: str | None = None
    permutation: tuple[int, ...] | None = None


@dataclass
class LoweredModule:
    """Loop-level MLIR plus the description of its top-level function's arguments.

    ``mlir`` is the printed module: func / arith / math / memref / affine (or scf) ops only,
    static identity-layout memrefs, weights as ``memref.global`` constants with inline
    ``dense<>`` data. ``args`` lists the function arguments in order: inputs, then outputs;
    ``weights`` describes the globals (which PyTorch tensor each holds, in which layout).
    """

    mlir: str
    func_name: str
    args: list[ArgInfo] = field(default_factory=list)
    weights: list[WeightInfo] = field(default_factory=list)
    #: multiply-accumulates per PyTorch layer, named as the op locations name them (a
    #: model's layers; empty for an .mlir input)
    layers: dict[str, int] = field(default_factory=dict)
    #: a PT2E int8 model's interface: ``{"inputs": [...], "outputs": [...]}``, one
    #: ``{"scale", "zero_point", "qmin", "qmax"}`` per int8 input / output (``real = (q -
    #: zero_point) * scale``); None for other models
    quantization: dict | None = None

    @property
    def inputs(self) -> list[ArgInfo]:
        """The input arguments, in order."""
        return [a for a in self.args if a.role == "input"]

    @property
    def outputs(self) -> list[ArgInfo]:
        """The output arguments, in order."""
        return [a for a in self.args if a.role == "output"]

    def to_json(self) -> str:
        """Serialize to a JSON string (``from_json`` reads it back)."""
        data = {
            "func_name": self.func_name,
            "args": [asdict(a) for a in self.args],
            "weights": [asdict(w) for w in self.weights],
            "layers": self.layers,
            "quantization": self.quantization,
            "mlir": self.mlir,
        }
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> LoweredModule:
        """Read a module written by :meth:`to_json`."""
        try:
            data = json.loads(text)
            args = [
                ArgInfo(
                    name=a["name"],
                    role=a["role"],
                    index=int(a["index"]),
                    shape=tuple(int(d) for d in a["shape"]),
                    dtype=a["dtype"],
                )
                for a in data["args"]
            ]
            weights = [
                WeightInfo(
                    name=w["name"],
                    shape=tuple(int(d) for d in w["shape"]),
                    dtype=w["dtype"],
                    pytorch_name=w.get("pytorch_name"),
                    permutation=None
                    if w.get("permutation") is None
                    else tuple(int(d) for d in w["permutation"]),
                )
                for w in data.get("weights", [])
            ]
            layers = {str(k): int(v) for k, v in data.get("layers", {}).items()}
            return cls(
                mlir=data["mlir"],
                func_name=data["func_name"],
                args=args,
                weights=weights,
                layers=layers,
                quantization=data.get("quantization"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise FrontendError(
                f"not a torch2calyx lowered-module JSON ({exc!r}); write it with "
                "LoweredModule.to_json() or `torch2calyx lower --json`"
            ) from exc
