"""Calyx data JSON <-> raw memory words.

A data file maps each ``@external`` memory to ``{"data": [...], "format": {...}}`` where the
format has ``numeric_type`` (``bitnum``, ``ieee754_float`` or ``fixed_point``), ``is_signed``,
``width`` and, for fixed point, ``frac_width`` (or ``int_width``; a value must be a multiple of
2**-frac_width: an error, never silently rounded). Values may be nested lists
for multi-dimensional memories; words are stored row-major.

``ieee754_float`` words are the IEEE interchange format of their width (binary16, binary32,
binary64), unless the format names other field widths with ``exp_width`` and ``sig_width``
(the Calyx float units' parameters, significand with its hidden bit): ``"width": 16,
"exp_width": 8, "sig_width": 8`` is bfloat16, an extension of the Calyx data format that
torch2calyx writes for bf16 memories. Float values are rounded to nearest-even into the word
(bfloat16 through binary32: a value that is no binary32 is rounded twice); values beyond the
largest finite number become infinities, as the IEEE rounding gives.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from torch2calyx.errors import SimulationError

#: The widest memory word a data file may give (Calyx programs use at most 64-bit data).
MAX_WIDTH = 4096
#: The most nesting levels of a memory's ``data`` (Calyx memories have at most 4 dimensions).
MAX_DIMS = 16

_FLOAT_FMT = {16: "e", 32: "f", 64: "d"}
_INT_FMT = {16: "H", 32: "I", 64: "Q"}


#: (exp_width, sig_width) of the IEEE interchange formats by width, and of bfloat16
_IEEE_FIELDS = {16: (5, 11), 32: (8, 24), 64: (11, 53)}
_BF16_FIELDS = (8, 8)


def _float_bits(value: float, width: int) -> int:
    """``value`` rounded to nearest-even into the IEEE format of ``width`` bits."""
    try:
        packed = struct.pack("<" + _FLOAT_FMT[width], value)
    except OverflowError:  # beyond the largest finite value after rounding: an infinity
        packed = struct.pack("<" + _FLOAT_FMT[width], math.copysign(math.inf, value))
    return struct.unpack("<" + _INT_FMT[width], packed)[0]


def _bfloat16_bits(value: float) -> int:
    """``value`` rounded to nearest-even into bfloat16 (through binary32); NaN is the
    canonical quiet NaN 0x7FC0."""
    if math.isnan(value):
        return 0x7FC0
    bits = _float_bits(value, 32)
    # round the low 16 bits away, ties to even; a carry into the exponent is right (it
    # reaches infinity from the largest finite value)
    bits += 0x7FFF + ((bits >> 16) & 1)
    return (bits >> 16) & 0xFFFF


@dataclass(frozen=True)
class MemoryFormat:
    """How the words of one memory encode numbers."""

    numeric_type: str
    width: int
    is_signed: bool = False
    frac_width: int = 0
    #: 8 for bfloat16 (``exp_width`` 8, ``sig_width`` 8); 0 for the IEEE format of ``width``
    exp_width: int = 0

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
        if isinstance(width, bool) or not isinstance(width, int) or width <= 0:
            raise SimulationError(f"memory '{name}': format needs a positive integer 'width'")
        if width > MAX_WIDTH:  # the encoder's bounds are 2**width: 2**40 exhausted memory
            raise SimulationError(
                f"memory '{name}': width {width} is too large; words of at most {MAX_WIDTH} "
                "bits are supported"
            )
        signed = fmt.get("is_signed", False)
        if not isinstance(signed, bool):
            raise SimulationError(
                f"memory '{name}': 'is_signed' must be true or false, got {signed!r}"
            )
        if kind == "ieee754_float" and width not in _FLOAT_FMT:
            raise SimulationError(f"memory '{name}': ieee754_float width must be 16, 32 or 64")
        exp_width = 0
        if kind == "ieee754_float" and ("exp_width" in fmt or "sig_width" in fmt):
            fields = (fmt.get("exp_width"), fmt.get("sig_width"))
            if fields == _BF16_FIELDS and width == 16:
                exp_width = 8
            elif fields != _IEEE_FIELDS.get(width):
                raise SimulationError(
                    f"memory '{name}': ieee754_float with width {width}, exp_width "
                    f"{fields[0]!r} and sig_width {fields[1]!r} is no format torch2calyx "
                    "knows; use binary16 (5, 11), bfloat16 (8, 8), binary32 (8, 24) or "
                    "binary64 (11, 53)"
                )
        frac = 0
        if kind == "fixed_point":
            key = next((k for k in ("frac_width", "int_width") if k in fmt), None)
            if key is None:
                raise SimulationError(f"memory '{name}': fixed_point needs 'frac_width'")
            field_width = fmt[key]
            if isinstance(field_width, bool) or not isinstance(field_width, int):
                raise SimulationError(
                    f"memory '{name}': '{key}' must be a whole number, got {field_width!r}"
                )
            frac = field_width if key == "frac_width" else width - field_width
            if not 0 <= frac <= width:
                raise SimulationError(
                    f"memory '{name}': '{key}' {field_width} does not fit a {width}-bit word"
                )
        return cls(kind, width, signed, frac, exp_width)

    @property
    def is_bfloat16(self) -> bool:
        return self.numeric_type == "ieee754_float" and self.exp_width == 8 and self.width == 16

    def encode(self, name: str, value: Any) -> int:
        """One number -> an unsigned ``width``-bit word."""
        w = self.width
        if self.numeric_type == "ieee754_float":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SimulationError(f"memory '{name}': {value!r} is not a number")
            if self.is_bfloat16:
                return _bfloat16_bits(float(value))
            return _float_bits(float(value), w)
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
            if self.is_bfloat16:
                word <<= 16
                w = 32
            return struct.unpack("<" + _FLOAT_FMT[w], struct.pack("<" + _INT_FMT[w], word))[0]
        iv = word
        if self.is_signed and word >> (w - 1):
            iv = word - (1 << w)
        if self.numeric_type == "fixed_point":
            return iv / (1 << self.frac_width)
        return iv


def shape_of(values: Any, depth: int = 0) -> list[int]:
    """Dimensions of a (nested) list; raises on ragged lists and on more than
    :data:`MAX_DIMS` levels."""
    if not isinstance(values, list):
        return []
    if depth >= MAX_DIMS:
        raise SimulationError(f"memory data is nested more than {MAX_DIMS} levels deep")
    if not values:
        return [0]
    inner = [shape_of(v, depth + 1) for v in values]
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


def load_data_file(path: Path) -> dict:
    """Read and validate a data JSON file; every problem is a SimulationError that names the
    file (and the line and column of a JSON syntax error, or the memory)."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise SimulationError(f"cannot read the data file {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise SimulationError(f"{path}: the data file is not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise SimulationError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise SimulationError(f"{path}: invalid JSON: nested too deeply") from None
    try:
        parse_data(data)
    except SimulationError as exc:
        raise SimulationError(f"{path}: {exc.args[0]}") from None
    return data


def parse_data(data: dict) -> list[MemoryData]:
    """Validate a Calyx data JSON dict and encode every memory; every problem is a
    SimulationError naming the memory."""
    if not isinstance(data, dict):  # {} is fine: a design without @external memories
        raise SimulationError("the data JSON must be an object mapping memory names")
    mems = []
    for name, entry in data.items():
        try:
            mems.append(_parse_memory(name, entry))
        except (TypeError, ValueError, OverflowError, MemoryError, struct.error) as exc:
            # a value _parse_memory's checks did not foresee: the user's data, not a bug here
            raise SimulationError(
                f"memory '{name}': a value or format field cannot be used "
                f"({type(exc).__name__}: {exc}); values must be numbers that fit the format"
            ) from None
    return mems


def _parse_memory(name: str, entry: Any) -> MemoryData:
    """One ``{"data": ..., "format": ...}`` entry, validated and encoded."""
    if not isinstance(entry, dict) or "data" not in entry or "format" not in entry:
        raise SimulationError(f'memory \'{name}\': expected {{"data": [...], "format": {{...}}}}')
    if not name.isidentifier():
        raise SimulationError(f"memory name '{name}' is not a valid identifier")
    fmt = MemoryFormat.from_json(name, entry["format"])
    shape = shape_of(entry["data"])
    if not shape or 0 in shape:
        raise SimulationError(f"memory '{name}': 'data' must be a non-empty list")
    words = [fmt.encode(name, v) for v in flatten(entry["data"])]
    return MemoryData(name, fmt, shape, words)
