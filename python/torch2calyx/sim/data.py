"""Calyx data JSON <-> raw memory words.

A data file maps each ``@external`` memory to ``{"data": [...], "format": {...}}`` where the
format has ``numeric_type`` (``bitnum``, ``ieee754_float`` or ``fixed_point``), ``is_signed``,
``width`` and, for fixed point, ``frac_width`` (or ``int_width``; a value must be a multiple of
2**-frac_width: an error, never silently rounded). Values may be nested lists
for multi-dimensional memories; words are stored row-major.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from torch2calyx.errors import SimulationError

_FLOAT_FMT = {16: "e", 32: "f", 64: "d"}
_INT_FMT = {16: "H", 32: "I", 64: "Q"}


@dataclass(frozen=True)
class MemoryFormat:
    """How the words of one memory encode numbers."""

    numeric_type: str
    width: int
    is_signed: bool = False
    frac_width: int = 0

    @classmethod
    def from_json(cls, name: str, fmt: Any) -> MemoryFormat:
        """Validate a ``format`` object of the data JSON."""
        if not isinstance(fmt, dict):
            raise SimulationError(f"memory '{name}': 'format' must be an object, got {fmt!r}")
        kind = fmt.get("numeric_type")
        if kind not in ("bitnum", "ieee754_float", "fixed_point"):
            raise SimulationError(
                f"memory '{name}': numeric_type must be bitnum, ieee754_float or fixed_point, "
                f"got {kind!r}"
            )
        width = fmt.get("width")
        if not isinstance(width, int) or width <= 0:
            raise SimulationError(f"memory '{name}': format needs a positive integer 'width'")
        if kind == "ieee754_float" and width not in _FLOAT_FMT:
            raise SimulationError(f"memory '{name}': ieee754_float width must be 16, 32 or 64")
        frac = 0
        if kind == "fixed_point":
            if "frac_width" in fmt:
                frac = int(fmt["frac_width"])
            elif "int_width" in fmt:
                frac = width - int(fmt["int_width"])
            else:
                raise SimulationError(f"memory '{name}': fixed_point needs 'frac_width'")
        return cls(kind, width, bool(fmt.get("is_signed", False)), frac)

    def encode(self, name: str, value: Any) -> int:
        """One number -> an unsigned ``width``-bit word."""
        w = self.width
        if self.numeric_type == "ieee754_float":
            f = _FLOAT_FMT[w]
            return struct.unpack("<" + _INT_FMT[w], struct.pack("<" + f, float(value)))[0]
        if self.numeric_type == "fixed_point":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SimulationError(f"memory '{name}': {value!r} is not a number")
            if not math.isfinite(value):
                raise SimulationError(f"memory '{name}': {value!r} is not finite")
            scaled = Fraction(value) * (1 << self.frac_width)
            if scaled.denominator != 1:
                nearest = round(scaled) / (1 << self.frac_width)
                raise SimulationError(
                    f"memory '{name}': {value!r} is not representable with "
                    f"frac_width {self.frac_width} (nearest: {nearest!r})"
                )
            iv = int(scaled)
        else:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SimulationError(f"memory '{name}': {value!r} is not a number")
            if isinstance(value, float) and not value.is_integer():
                raise SimulationError(
                    f"memory '{name}': {value!r} is not an integer but the format is bitnum"
                )
            iv = int(value)
        lo = -(1 << (w - 1)) if self.is_signed else 0
        hi = (1 << (w - 1)) - 1 if self.is_signed else (1 << w) - 1
        if not lo <= iv <= hi:
            kind = "signed" if self.is_signed else "unsigned"
            raise SimulationError(
                f"memory '{name}': value {value!r} does not fit a {kind} {w}-bit word"
            )
        return iv & ((1 << w) - 1)

    def decode(self, word: int) -> int | float:
        """An unsigned word -> the number it encodes."""
        w = self.width
        if self.numeric_type == "ieee754_float":
            return struct.unpack("<" + _FLOAT_FMT[w], struct.pack("<" + _INT_FMT[w], word))[0]
        iv = word
        if self.is_signed and word >> (w - 1):
            iv = word - (1 << w)
        if self.numeric_type == "fixed_point":
            return iv / (1 << self.frac_width)
        return iv


def shape_of(values: Any) -> list[int]:
    """Dimensions of a (nested) list; raises on ragged lists."""
    if not isinstance(values, list):
        return []
    if not values:
        return [0]
    inner = [shape_of(v) for v in values]
    if any(s != inner[0] for s in inner):
        raise SimulationError("memory data is a ragged nested list; every row needs one length")
    return [len(values), *inner[0]]


def flatten(values: Any) -> list[Any]:
    """Row-major flattening of a nested list."""
    if isinstance(values, list):
        out: list[Any] = []
        for v in values:
            out.extend(flatten(v))
        return out
    return [values]


def reshape(flat: list[Any], shape: list[int]) -> list[Any]:
    """Inverse of :func:`flatten` for ``shape``."""
    if len(shape) <= 1:
        return list(flat)
    step = len(flat) // shape[0] if shape[0] else 0
    return [reshape(flat[i * step : (i + 1) * step], shape[1:]) for i in range(shape[0])]


@dataclass
class MemoryData:
    """One memory of a data file, ready for the testbench."""

    name: str
    fmt: MemoryFormat
    shape: list[int]
    words: list[int]

    def to_hex(self) -> str:
        """The words as a ``$readmemh`` file."""
        digits = (self.fmt.width + 3) // 4
        return "".join(f"{w:0{digits}x}\n" for w in self.words)

    def decode_hex(self, text: str) -> list[Any]:
        """Values from a ``$writememh`` dump, nested like the input data."""
        words = []
        for line in text.splitlines():
            line = line.split("//", 1)[0].strip()
            if not line or line.startswith("@"):
                continue
            for tok in line.split():
                if any(c in "xXzZ" for c in tok):
                    raise SimulationError(
                        f"memory '{self.name}' holds undefined bits (x/z) after the run: "
                        "the design wrote an uninitialised value"
                    )
                words.append(int(tok, 16))
        if len(words) != len(self.words):
            raise SimulationError(
                f"memory '{self.name}' dumped {len(words)} words, expected {len(self.words)}"
            )
        return reshape([self.fmt.decode(w) for w in words], self.shape)


def parse_data(data: dict) -> list[MemoryData]:
    """Validate a Calyx data JSON dict and encode every memory."""
    if not isinstance(data, dict) or not data:
        raise SimulationError("the data JSON must be a non-empty object mapping memory names")
    mems = []
    for name, entry in data.items():
        if not isinstance(entry, dict) or "data" not in entry or "format" not in entry:
            raise SimulationError(
                f'memory \'{name}\': expected {{"data": [...], "format": {{...}}}}'
            )
        if not name.isidentifier():
            raise SimulationError(f"memory name '{name}' is not a valid identifier")
        fmt = MemoryFormat.from_json(name, entry["format"])
        shape = shape_of(entry["data"])
        if not shape or 0 in shape:
            raise SimulationError(f"memory '{name}': 'data' must be a non-empty list")
        words = [fmt.encode(name, v) for v in flatten(entry["data"])]
        mems.append(MemoryData(name, fmt, shape, words))
    return mems
