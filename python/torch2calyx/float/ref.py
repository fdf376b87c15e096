"""Bit-exact software reference of the IEEE-754 float units in externals/primitives/float/.

The reference is exact integer arithmetic: every operation computes its exact result (or an
exact truncation plus a sticky bit) and :func:`round_pack` rounds it in any mode, with either
tininess mode and all five flags. :class:`SoftFloatOps` calls Berkeley SoftFloat through the
``softfloat`` PyPI binding (0.1.4.1) to cross-check it; that binding is not usable as the
reference itself: its f32_sqrt/f64_sqrt return wrong values (sqrt(4.0f) = 1.54), f16
add/sub miss the overflow flag when rounding a tiny addend away from the largest finite
number, f16_eq(+0, -0) is false, and round-to-odd is not compiled in. numpy cross-checks the
round-to-nearest-even results. NaN results are the canonical quiet NaN (no payloads).

Flags are a 5-bit integer in Berkeley order: invalid 16, infinite 8, overflow 4,
underflow 2, inexact 1. Rounding modes: 0 nearest-even, 1 toward zero, 2 down, 3 up,
4 nearest-away, 6 odd.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt

from torch2calyx.errors import Torch2CalyxError

INVALID, INFINITE, OVERFLOW, UNDERFLOW, INEXACT = 16, 8, 4, 2, 1
ROUNDING_MODES = {0: "rne", 1: "rtz", 2: "rdn", 3: "rup", 4: "rmm", 6: "odd"}


class FloatReferenceError(Torch2CalyxError):
    """The float reference model was asked for something it does not model."""

    stage = "floatref"


@dataclass(frozen=True)
class FloatFormat:
    """An IEEE-754 binary interchange format: ``exp`` exponent bits, ``sig`` significand bits
    (hidden bit included), as in the units' (expWidth, sigWidth) parameters."""

    name: str
    exp: int
    sig: int

    @property
    def width(self) -> int:
        return self.exp + self.sig

    @property
    def bias(self) -> int:
        return (1 << (self.exp - 1)) - 1

    @property
    def exp_max(self) -> int:
        return (1 << self.exp) - 1

    @property
    def qnan(self) -> int:
        return (self.exp_max << (self.sig - 1)) | (1 << (self.sig - 2))

    @property
    def inf(self) -> int:
        return self.exp_max << (self.sig - 1)

    @property
    def max_finite(self) -> int:
        return self.inf - 1

    def sign_bit(self) -> int:
        return 1 << (self.width - 1)

    def fields(self, bits: int) -> tuple[int, int, int]:
        """Split ``bits`` into (sign, biased exponent, fraction)."""
        frac = bits & ((1 << (self.sig - 1)) - 1)
        exp = (bits >> (self.sig - 1)) & self.exp_max
        return bits >> (self.width - 1) & 1, exp, frac

    def is_nan(self, bits: int) -> bool:
        _, e, f = self.fields(bits)
        return e == self.exp_max and f != 0

    def is_snan(self, bits: int) -> bool:
        return self.is_nan(bits) and not (bits >> (self.sig - 2)) & 1

    def is_inf(self, bits: int) -> bool:
        _, e, f = self.fields(bits)
        return e == self.exp_max and f == 0

    def decode(self, bits: int) -> tuple[int, int, int]:
        """Finite ``bits`` as (sign, integer significand, exponent): value = ±m * 2**e."""
        s, e, f = self.fields(bits)
        if e == 0:
            return s, f, 1 - self.bias - (self.sig - 1)
        return s, f | (1 << (self.sig - 1)), e - self.bias - (self.sig - 1)


F16 = FloatFormat("binary16", 5, 11)
F32 = FloatFormat("binary32", 8, 24)
F64 = FloatFormat("binary64", 11, 53)
BF16 = FloatFormat("bfloat16", 8, 8)
FORMATS = {f.name: f for f in (F16, F32, F64, BF16)}


def _round_increment(rm: int, sign: int, lsb: int, rbit: int, sticky: bool) -> int:
    if rm == 1 or rm == 6:
        return 0
    if rm == 2:
        return int(bool(sign and (rbit or sticky)))
    if rm == 3:
        return int(bool(not sign and (rbit or sticky)))
    if rm == 4:
        return rbit
    return int(bool(rbit and (sticky or lsb)))


def round_pack(
    fmt: FloatFormat,
    sign: int,
    mant: int,
    exp: int,
    *,
    sticky: bool = False,
    rm: int = 0,
    tininess_after: bool = True,
) -> tuple[int, int]:
    """Round ``(-1)**sign * (mant + eps) * 2**exp`` into ``fmt``; return (bits, flags).

    ``eps`` is 0, or a positive amount below 1 when ``sticky`` is set (``mant`` must then
    have at least ``fmt.sig + 2`` bits). Handles every rounding mode, both tininess modes,
    subnormal results and overflow.
    """
    if mant < 0:
        raise FloatReferenceError("round_pack takes a magnitude; pass the sign separately")
    if mant == 0 and not sticky:
        return sign << (fmt.width - 1), 0
    if sticky and mant.bit_length() < fmt.sig + 2:
        raise FloatReferenceError(
            f"round_pack: with sticky set the significand needs {fmt.sig + 2} bits; "
            f"got {mant.bit_length()}"
        )
    # Keep at least sig + 2 bits so that the round bit sits above the sticky part.
    if mant.bit_length() < fmt.sig + 2:
        shift = fmt.sig + 2 - mant.bit_length()
        mant <<= shift
        exp -= shift
    top = exp + mant.bit_length() - 1  # exponent of the leading one
    emin = 1 - fmt.bias

    def rounded_at(lsb_exp: int) -> tuple[int, int, bool]:
        """Significand rounded to a last bit of weight 2**lsb_exp; (value, rbit, sticky)."""
        drop = lsb_exp - exp
        if drop <= 0:
            return mant << -drop, 0, bool(sticky)
        kept = mant >> drop
        rbit = (mant >> (drop - 1)) & 1
        rest = bool(mant & ((1 << (drop - 1)) - 1)) or sticky
        return kept, rbit, rest

    # Unbounded-exponent rounding decides tininess after rounding.
    kept_n, rb_n, st_n = rounded_at(top - (fmt.sig - 1))
    up_n = _round_increment(rm, sign, kept_n & 1, rb_n, st_n)
    carries = rm != 6 and (kept_n + up_n) >> fmt.sig
    lsb_exp = max(top, emin) - (fmt.sig - 1)
    kept, rbit, rest = rounded_at(lsb_exp)
    inexact = bool(rbit or rest)
    if rm == 6:
        kept |= int(inexact)
    else:
        kept += _round_increment(rm, sign, kept & 1, rbit, rest)
    if kept >> fmt.sig:  # carried into a new leading bit
        kept >>= 1
        lsb_exp += 1
    flags = INEXACT if inexact else 0
    if kept >> (fmt.sig - 1):
        biased = lsb_exp + (fmt.sig - 1) + fmt.bias
    else:
        biased = 0
    if biased >= fmt.exp_max:
        to_max = rm in (1, 6) or (rm == 2 and not sign) or (rm == 3 and sign)
        bits = fmt.max_finite if to_max else fmt.inf
        return (sign << (fmt.width - 1)) | bits, OVERFLOW | INEXACT
    tiny = top < emin - 1 or (top == emin - 1 and not carries) if tininess_after else top < emin
    if tiny and inexact:
        flags |= UNDERFLOW
    frac = kept & ((1 << (fmt.sig - 1)) - 1)
    return (sign << (fmt.width - 1)) | (biased << (fmt.sig - 1)) | frac, flags


# ---------------------------------------------------------------- SoftFloat-backed ops


def _softfloat():
    try:
        import softfloat
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        raise FloatReferenceError(
            "the float reference needs the 'softfloat' package; pip install softfloat"
        ) from exc
    return softfloat


_SF_PREFIX = {"binary16": "f16", "binary32": "f32", "binary64": "f64"}


class SoftFloatOps:
    """Calls into SoftFloat for one format with given rounding and tininess modes."""

    def __init__(self, fmt: FloatFormat) -> None:
        if fmt.name not in _SF_PREFIX:
            raise FloatReferenceError(f"no SoftFloat functions for format {fmt.name}")
        self.fmt = fmt
        self.sf = _softfloat()
        prefix = _SF_PREFIX[fmt.name]
        self._type = getattr(
            self.sf, {"f16": "float16_t", "f32": "float32_t", "f64": "float64_t"}[prefix]
        )
        self._fn = {
            name: getattr(self.sf, f"{prefix}_{name}")
            for name in (
                "add",
                "sub",
                "mul",
                "div",
                "sqrt",
                "eq",
                "lt",
                "le",
                "eq_signaling",
                "lt_quiet",
            )
        }
        self._a = self._type()
        self._b = self._type()

    def _setup(self, rm: int, tininess_after: bool) -> None:
        cvar = self.sf.cvar
        cvar.softfloat_roundingMode = rm
        cvar.softfloat_detectTininess = 1 if tininess_after else 0
        cvar.softfloat_exceptionFlags = 0

    def arith(self, op: str, a: int, b: int, *, rm: int, tininess_after: bool) -> tuple[int, int]:
        """``op`` in add/sub/mul/div/sqrt (sqrt ignores ``b``); returns (bits, flags)."""
        self._setup(rm, tininess_after)
        self._a.fromBits(a)
        if op == "sqrt":
            res = self._fn["sqrt"](self._a).v
        else:
            self._b.fromBits(b)
            res = self._fn[op](self._a, self._b).v
        flags = self.sf.cvar.softfloat_exceptionFlags
        if self.fmt.is_nan(res):
            res = self.fmt.qnan
        return res, flags

    def compare(self, a: int, b: int, *, signaling: bool) -> tuple[int, int]:
        """Returns ({lt, eq, gt, unordered} as a 4-bit value, flags)."""
        self._setup(0, True)
        self._a.fromBits(a)
        self._b.fromBits(b)
        if signaling:
            lt = self._fn["lt"](self._a, self._b)
            eq = self._fn["eq_signaling"](self._a, self._b)
        else:
            lt = self._fn["lt_quiet"](self._a, self._b)
            eq = self._fn["eq"](self._a, self._b)
        flags = self.sf.cvar.softfloat_exceptionFlags
        unordered = self.fmt.is_nan(a) or self.fmt.is_nan(b)
        gt = not (lt or eq or unordered)
        return (int(lt) << 3) | (int(eq) << 2) | (int(gt) << 1) | int(unordered), flags


# ---------------------------------------------------------------- exact models


def exact_add(
    fmt: FloatFormat, a: int, b: int, *, rm: int, tininess_after: bool, subtract: bool = False
) -> tuple[int, int]:
    """Independent exact model of add/sub (used to cross-check SoftFloat)."""
    if subtract:
        b ^= fmt.sign_bit()
    if fmt.is_nan(a) or fmt.is_nan(b):
        return fmt.qnan, INVALID if fmt.is_snan(a) or fmt.is_snan(b) else 0
    sa, sb = a >> (fmt.width - 1), b >> (fmt.width - 1)
    if fmt.is_inf(a) or fmt.is_inf(b):
        if fmt.is_inf(a) and fmt.is_inf(b) and sa != sb:
            return fmt.qnan, INVALID
        return a if fmt.is_inf(a) else b, 0
    _, ma, ea = fmt.decode(a)
    _, mb, eb = fmt.decode(b)
    e = min(ea, eb)
    total = (-1) ** sa * (ma << (ea - e)) + (-1) ** sb * (mb << (eb - e))
    if total == 0:
        sign = (sa & sb) if sa == sb else int(rm == 2)
        return sign << (fmt.width - 1), 0
    return round_pack(fmt, int(total < 0), abs(total), e, rm=rm, tininess_after=tininess_after)


def exact_mul(
    fmt: FloatFormat, a: int, b: int, *, rm: int, tininess_after: bool
) -> tuple[int, int]:
    """Independent exact model of mul (used to cross-check SoftFloat)."""
    if fmt.is_nan(a) or fmt.is_nan(b):
        return fmt.qnan, INVALID if fmt.is_snan(a) or fmt.is_snan(b) else 0
    sign = (a ^ b) >> (fmt.width - 1)
    zero_a = a & (fmt.sign_bit() - 1) == 0
    zero_b = b & (fmt.sign_bit() - 1) == 0
    if fmt.is_inf(a) or fmt.is_inf(b):
        if zero_a or zero_b:
            return fmt.qnan, INVALID
        return (sign << (fmt.width - 1)) | fmt.inf, 0
    _, ma, ea = fmt.decode(a)
    _, mb, eb = fmt.decode(b)
    return round_pack(fmt, sign, ma * mb, ea + eb, rm=rm, tininess_after=tininess_after)


def exact_sqrt(fmt: FloatFormat, a: int, *, rm: int, tininess_after: bool) -> tuple[int, int]:
    """Independent exact model of sqrt (used to cross-check SoftFloat)."""
    if fmt.is_nan(a):
        return fmt.qnan, INVALID if fmt.is_snan(a) else 0
    sign = a >> (fmt.width - 1)
    if a & (fmt.sign_bit() - 1) == 0:
        return a, 0
    if sign:
        return fmt.qnan, INVALID
    if fmt.is_inf(a):
        return a, 0
    _, m, e = fmt.decode(a)
    shift = 2 * fmt.sig + 4 + (e & 1)
    root = isqrt(m << shift)
    exact = root * root == m << shift
    return round_pack(
        fmt, 0, root, (e - shift) // 2, sticky=not exact, rm=rm, tininess_after=tininess_after
    )


def exact_div(
    fmt: FloatFormat, a: int, b: int, *, rm: int, tininess_after: bool
) -> tuple[int, int]:
    """Independent exact model of division."""
    if fmt.is_nan(a) or fmt.is_nan(b):
        return fmt.qnan, INVALID if fmt.is_snan(a) or fmt.is_snan(b) else 0
    sign = (a ^ b) >> (fmt.width - 1)
    zero_a = a & (fmt.sign_bit() - 1) == 0
    zero_b = b & (fmt.sign_bit() - 1) == 0
    inf_a, inf_b = fmt.is_inf(a), fmt.is_inf(b)
    if (inf_a and inf_b) or (zero_a and zero_b):
        return fmt.qnan, INVALID
    if inf_a or zero_b:
        return (sign << (fmt.width - 1)) | fmt.inf, 0 if inf_a else INFINITE
    if inf_b or zero_a:
        return sign << (fmt.width - 1), 0
    _, ma, ea = fmt.decode(a)
    _, mb, eb = fmt.decode(b)
    shift = 2 * fmt.sig + 4
    quot, rem = divmod(ma << shift, mb)
    return round_pack(
        fmt, sign, quot, ea - eb - shift, sticky=rem != 0, rm=rm, tininess_after=tininess_after
    )


def exact_compare(fmt: FloatFormat, a: int, b: int, *, signaling: bool) -> tuple[int, int]:
    """Independent model of std_compareFN: ({lt, eq, gt, unordered}, flags)."""
    if fmt.is_nan(a) or fmt.is_nan(b):
        snan = fmt.is_snan(a) or fmt.is_snan(b)
        return 1, INVALID if snan or signaling else 0

    def key(bits: int) -> int:
        mag = bits & (fmt.sign_bit() - 1)
        return -mag if bits >> (fmt.width - 1) else mag

    ka, kb = key(a), key(b)
    return (int(ka < kb) << 3) | (int(ka == kb) << 2) | (int(ka > kb) << 1), 0


def fp_to_int(fmt: FloatFormat, a: int, *, int_width: int, signed: bool) -> int:
    """std_fpToInt: truncate toward zero; NaN and positive overflow give the largest integer,
    negative overflow the smallest (0 when unsigned). Returns the result's bit pattern."""
    lo = -(1 << (int_width - 1)) if signed else 0
    hi = (1 << (int_width - 1)) - 1 if signed else (1 << int_width) - 1
    mask = (1 << int_width) - 1
    if fmt.is_nan(a):
        return hi & mask
    sign = a >> (fmt.width - 1)
    if fmt.is_inf(a):
        return (lo if sign else hi) & mask
    _, m, e = fmt.decode(a)
    mag = m << e if e >= 0 else m >> -e
    value = -mag if sign else mag
    return min(max(value, lo), hi) & mask


def int_to_fp(
    fmt: FloatFormat,
    value: int,
    *,
    int_width: int,
    signed: bool,
    rm: int = 0,
    tininess_after: bool = True,
) -> tuple[int, int]:
    """std_intToFp: the ``int_width``-bit pattern ``value`` (two's complement when
    ``signed``) rounded into ``fmt``; returns (bits, flags)."""
    value &= (1 << int_width) - 1
    if signed and value >> (int_width - 1):
        value -= 1 << int_width
    return round_pack(fmt, int(value < 0), abs(value), 0, rm=rm, tininess_after=tininess_after)
