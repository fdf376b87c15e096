"""Test vectors for the float units: operands plus the reference result and flags.

Operands are every pair of special classes (signed zeros, smallest and largest subnormals and
normals, ±1, infinities, quiet and signalling NaNs, values straddling rounding ties and
overflow) and random operands drawn from several distributions (raw bit patterns, close
exponents for cancellation, extreme exponents for overflow/underflow, significands with long
runs of ones or zeros for ties).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from torch2calyx.float.ref import (
    FORMATS,
    FloatFormat,
    FloatReferenceError,
    exact_add,
    exact_compare,
    exact_div,
    exact_mul,
    exact_sqrt,
    fp_to_int,
    int_to_fp,
)

# Unit names as the test top (test/float/tb_float.sv) numbers them: sel = 4 * unit + format.
UNITS = (
    "add",
    "mul",
    "compare",
    "divsqrt",
    "fpToInt32",
    "fpToInt64",
    "intToFp32",
    "intToFp64",
    "intToFpCore",
    "pipelinedAdd",
    "pipelinedMul",
    "pipelinedFpToInt32",
    "pipelinedFpToInt64",
    "pipelinedIntToFp32",
    "pipelinedIntToFp64",
)
# The pipelined units (no go/done) compute what these go/done units compute.
PIPELINED = {
    "pipelinedAdd": "add",
    "pipelinedMul": "mul",
    "pipelinedFpToInt32": "fpToInt32",
    "pipelinedFpToInt64": "fpToInt64",
    "pipelinedIntToFp32": "intToFp32",
    "pipelinedIntToFp64": "intToFp64",
}
# Pipelined units with a test top of their own (torch2calyx.float.stream), not in tb_float.sv:
# their vectors' ``sel`` is the format's index in TB_FORMATS.
STREAMED = {"pipelinedDivSqrt": "divsqrt"}
# Formats in the test top's order; FORMAT_ORDER are the IEEE interchange formats every test
# runs, bfloat16 (8, 8) is in the test top too.
TB_FORMATS = ("binary16", "binary32", "binary64", "bfloat16")
FORMAT_ORDER = TB_FORMATS[:3]
ALL_MODES = (0, 1, 2, 3, 4)
# Units whose result does not depend on the rounding mode or the tininess mode.
MODELESS = {
    "compare",
    "fpToInt32",
    "fpToInt64",
    "intToFp32",
    "intToFp64",
    "pipelinedFpToInt32",
    "pipelinedFpToInt64",
    "pipelinedIntToFp32",
    "pipelinedIntToFp64",
}


def base_unit(unit: str) -> str:
    """The go/done unit whose operation ``unit`` computes (``unit`` itself if not pipelined)."""
    return PIPELINED.get(unit, STREAMED.get(unit, unit))


@dataclass(frozen=True)
class Vector:
    """One operation: inputs of the test top and the expected outputs."""

    sel: int
    a: int
    b: int
    op: int
    rm: int
    ctl: int
    result: int
    flags: int

    def line(self) -> str:
        return (
            f"{self.sel:x} {self.a:x} {self.b:x} {self.op:x} {self.rm:x} {self.ctl:x} "
            f"{self.result:x} {self.flags:x}"
        )


def select(unit: str, fmt: FloatFormat) -> int:
    """The test top's ``sel`` value of ``unit`` in format ``fmt``."""
    if unit not in UNITS:
        raise FloatReferenceError(f"unknown float unit {unit!r}; expected one of {UNITS}")
    return len(TB_FORMATS) * UNITS.index(unit) + TB_FORMATS.index(fmt.name)


def special_values(fmt: FloatFormat) -> list[int]:
    """Representatives of every special class of ``fmt`` (both signs)."""
    one = fmt.bias << (fmt.sig - 1)
    frac_all = (1 << (fmt.sig - 1)) - 1
    min_normal = 1 << (fmt.sig - 1)
    magnitudes = [
        0,
        1,
        2,
        frac_all,
        frac_all - 1,  # zero, subnormals
        min_normal,
        min_normal + 1,
        min_normal | frac_all,  # smallest normals
        fmt.max_finite,
        fmt.max_finite - 1,  # overflow edge
        fmt.max_finite - (1 << (fmt.sig - 1)),  # max/2
        one,
        one + 1,
        one - 1,
        one | frac_all,  # around 1
        one + (1 << (fmt.sig - 1)),  # 2
        (fmt.bias - fmt.sig) << (fmt.sig - 1),  # half an ulp of 1
        ((fmt.bias - fmt.sig) << (fmt.sig - 1)) | 1,  # just above half an ulp of 1
        ((fmt.bias - fmt.sig - 1) << (fmt.sig - 1)) | frac_all,  # just below half an ulp
        (fmt.bias + fmt.sig) << (fmt.sig - 1),  # large power of two
        fmt.inf,
        fmt.qnan,
        fmt.qnan | 1,  # quiet NaNs
        fmt.inf | 1,
        fmt.inf | (1 << (fmt.sig - 3)),  # signalling NaNs
    ]
    sign = fmt.sign_bit()
    return list(magnitudes) + [m | sign for m in magnitudes]


def random_operand(fmt: FloatFormat, rng: random.Random, near: int | None = None) -> int:
    """A random operand; with ``near``, sometimes one whose exponent is close to it."""
    kind = rng.randrange(8)
    sign = rng.getrandbits(1) << (fmt.width - 1)
    frac_bits = fmt.sig - 1
    if kind <= 1:
        return rng.getrandbits(fmt.width)
    if kind == 2:  # long runs of ones or zeros in the significand
        run = rng.randrange(frac_bits + 1)
        frac = ((1 << run) - 1) << (frac_bits - run) if rng.getrandbits(1) else (1 << run) - 1
        frac ^= rng.getrandbits(1) << rng.randrange(frac_bits)
        exp = rng.randrange(fmt.exp_max)
        return sign | (exp << frac_bits) | (frac & ((1 << frac_bits) - 1))
    if kind == 3:  # extreme exponents
        exp = rng.choice([0, 1, 2, fmt.exp_max - 1, fmt.exp_max - 2, rng.randrange(fmt.sig + 2)])
        return sign | (exp << frac_bits) | rng.getrandbits(frac_bits)
    if kind == 4:  # exponents that make products/quotients over- or underflow
        exp = rng.choice(
            [
                fmt.bias + rng.randrange(fmt.bias // 2 + 1),
                max(0, fmt.bias - rng.randrange(fmt.bias + fmt.sig)),
            ]
        )
        return sign | (min(exp, fmt.exp_max - 1) << frac_bits) | rng.getrandbits(frac_bits)
    if near is not None:  # close exponents: cancellation, ties after alignment
        e_near = (near >> frac_bits) & fmt.exp_max
        exp = min(max(e_near + rng.randint(-fmt.sig - 3, fmt.sig + 3), 0), fmt.exp_max - 1)
        frac = rng.getrandbits(frac_bits)
        if rng.getrandbits(1):
            frac = (near & ((1 << frac_bits) - 1)) ^ (1 << rng.randrange(frac_bits))
        return sign | (exp << frac_bits) | frac
    exp = rng.randrange(1, fmt.exp_max)
    return sign | (exp << frac_bits) | rng.getrandbits(frac_bits)


def boundary_partner(fmt: FloatFormat, a: int, rng: random.Random, *, divide: bool) -> int:
    """An operand that puts the product (or quotient) of ``a`` and it near the subnormal
    range or the overflow threshold, where rounding meets underflow and overflow."""
    frac_bits = fmt.sig - 1
    ea = max((a >> frac_bits) & fmt.exp_max, 1)
    if rng.getrandbits(1):  # result exponent near or below the smallest normal
        target = rng.randint(-fmt.sig - 2, 2)
    else:  # result exponent near the largest
        target = fmt.exp_max - 1 + rng.randint(-2, 1)
    # product: e_r = ea + eb - bias; quotient: e_r = ea - eb + bias
    eb = ea + fmt.bias - target if divide else target + fmt.bias - ea
    eb = min(max(eb, 0), fmt.exp_max - 1)
    sign = rng.getrandbits(1) << (fmt.width - 1)
    return sign | (eb << frac_bits) | rng.getrandbits(frac_bits)


def tiny_partner(fmt: FloatFormat, a: int, rng: random.Random, *, divide: bool) -> int | None:
    """An operand that makes the exact product (quotient) of ``a`` and it fall just below the
    smallest normal number, where the two tininess modes disagree; None when ``a`` has no
    such normal partner."""
    if a & (fmt.sign_bit() - 1) == 0 or fmt.is_nan(a) or fmt.is_inf(a):
        return None
    _, ma, xa = fmt.decode(a)
    while ma < 1 << (fmt.sig - 1):  # normalize a subnormal significand
        ma, xa = ma << 1, xa - 1
    emin = 1 - fmt.bias
    if divide:  # a / b = ma / mb * 2^emin with mb slightly above ma
        mb, xb = ma + 1 + rng.randrange(3), xa - emin
    else:  # a * b = ma * mb * 2^(xa + xb) slightly below 2^emin
        k = 2 * fmt.sig - 1
        mb, xb = -(-(1 << k) // ma) - 1 - rng.randrange(3), emin - xa - k
    biased = xb + (fmt.sig - 1) + fmt.bias
    if not (1 << (fmt.sig - 1) <= mb < 1 << fmt.sig) or not 1 <= biased < fmt.exp_max:
        return None
    sign = rng.getrandbits(1) << (fmt.width - 1)
    return sign | (biased << (fmt.sig - 1)) | (mb & ((1 << (fmt.sig - 1)) - 1))


def random_integer(width: int, rng: random.Random) -> int:
    """A random ``width``-bit pattern biased toward interesting magnitudes."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.getrandbits(width)
    if kind == 1:
        return rng.choice(
            [
                0,
                1,
                (1 << width) - 1,
                1 << (width - 1),
                (1 << (width - 1)) - 1,
                (1 << (width - 1)) + 1,
            ]
        )
    bits = rng.randint(1, width)
    value = rng.getrandbits(bits) | (1 << (bits - 1))
    if kind == 2:  # power of two plus a few low bits: ties at every precision
        value = (1 << (bits - 1)) | (rng.getrandbits(3) << rng.randrange(bits))
    if rng.getrandbits(1):
        value = -value
    return value & ((1 << width) - 1)


def conversion_operand(fmt: FloatFormat, int_width: int, rng: random.Random) -> int:
    """A float whose magnitude is near the range of a ``int_width``-bit integer."""
    kind = rng.randrange(4)
    sign = rng.getrandbits(1) << (fmt.width - 1)
    frac_bits = fmt.sig - 1
    if kind == 0:
        return rng.getrandbits(fmt.width)
    top = min(fmt.bias + int_width + 2, fmt.exp_max - 1)
    exp = rng.randint(max(fmt.bias - 2, 0), top)
    if kind == 1:
        exp = rng.choice(
            [
                fmt.bias + int_width - 1,
                fmt.bias + int_width,
                fmt.bias + int_width - 2,
                fmt.bias - 1,
                fmt.bias,
            ]
        )
        exp = min(exp, fmt.exp_max - 1)
    frac = rng.getrandbits(frac_bits)
    if kind == 2:
        frac = rng.choice([0, (1 << frac_bits) - 1, frac])
    return sign | (exp << frac_bits) | frac


class VectorFactory:
    """Builds vectors with expected results for one unit and format."""

    def __init__(self, unit: str, fmt: FloatFormat) -> None:
        if unit in STREAMED:
            self.sel = TB_FORMATS.index(fmt.name)
        else:
            self.sel = select(unit, fmt)
        self.unit = base_unit(unit)  # the operation; the pipelined units share it
        self.modeless = unit in MODELESS
        self.fmt = fmt

    @property
    def int_width(self) -> int:
        return 32 if self.unit.endswith("32") else 64

    def make(self, a: int, b: int, op: int, rm: int, ctl: int) -> Vector:
        """The vector for operands ``a``, ``b`` and control inputs ``op``, ``rm``, ``ctl``."""
        fmt, unit = self.fmt, self.unit
        if self.modeless:
            rm, ctl = 0, 0
        t_after = bool(ctl)
        if unit == "add":
            res, flags = exact_add(fmt, a, b, rm=rm, tininess_after=t_after, subtract=bool(op))
        elif unit == "mul":
            res, flags = exact_mul(fmt, a, b, rm=rm, tininess_after=t_after)
        elif unit == "divsqrt" and op:
            b = 0
            res, flags = exact_sqrt(fmt, a, rm=rm, tininess_after=t_after)
        elif unit == "divsqrt":
            res, flags = exact_div(fmt, a, b, rm=rm, tininess_after=t_after)
        elif unit == "compare":
            res, flags = exact_compare(fmt, a, b, signaling=bool(op))
        elif unit.startswith("fpToInt"):
            b = 0
            res, flags = fp_to_int(fmt, a, int_width=self.int_width, signed=bool(op)), 0
        else:
            b = 0
            res, flags = int_to_fp(
                fmt, a, int_width=self.int_width, signed=bool(op), rm=rm, tininess_after=bool(ctl)
            )
            if unit != "intToFpCore":
                flags = 0
        return Vector(self.sel, a, b, op, rm, ctl, res, flags)

    def operands(self, rng: random.Random) -> tuple[int, int]:
        """A random operand pair for this unit."""
        fmt = self.fmt
        if self.unit.startswith("fpToInt"):
            return conversion_operand(fmt, self.int_width, rng), 0
        if self.unit.startswith("intToFp"):
            return random_integer(self.int_width, rng), 0
        a = random_operand(fmt, rng)
        if self.unit in ("mul", "divsqrt") and rng.randrange(4) == 0:
            return a, boundary_partner(fmt, a, rng, divide=self.unit == "divsqrt")
        if self.unit in ("mul", "divsqrt") and rng.randrange(4) == 0:
            b = tiny_partner(fmt, a, rng, divide=self.unit == "divsqrt")
            if b is not None:
                return a, b
        return a, random_operand(fmt, rng, near=a)

    def special_operands(self) -> list[tuple[int, int]]:
        """Every pair of special classes (single operands for the conversions)."""
        fmt = self.fmt
        if self.unit.startswith("fpToInt"):
            extra = []
            for e in (self.int_width - 2, self.int_width - 1, self.int_width):
                exp = fmt.bias + e
                if exp < fmt.exp_max:
                    base = exp << (fmt.sig - 1)
                    for m in (base, base - 1, base + 1):
                        extra += [m, m | fmt.sign_bit()]
            half = (fmt.bias - 1) << (fmt.sig - 1)
            extra += [half, half | fmt.sign_bit(), half + 1, (half + 1) | fmt.sign_bit()]
            return [(v, 0) for v in special_values(fmt) + extra]
        if self.unit.startswith("intToFp"):
            w = self.int_width
            vals = [
                0,
                1,
                2,
                3,
                (1 << w) - 1,
                (1 << w) - 2,
                1 << (w - 1),
                (1 << (w - 1)) - 1,
                (1 << (w - 1)) + 1,
            ]
            for k in range(fmt.sig, w):  # ties and near-ties at every magnitude
                half = 1 << (k - fmt.sig)
                for low in (half, half + 1, 3 * half, half - 1):
                    v = (1 << k) | low
                    vals += [v & ((1 << w) - 1), (-v) & ((1 << w) - 1)]
            return [(v, 0) for v in vals]
        specials = special_values(fmt)
        return [(a, b) for a in specials for b in specials]


def make_vectors(
    unit: str,
    fmt_name: str,
    *,
    random_pairs: int,
    modes: tuple[int, ...] = ALL_MODES,
    seed: int = 1,
    all_modes_per_pair: bool = False,
    exhaustive_specials: bool = False,
) -> list[Vector]:
    """Vectors for ``unit`` in format ``fmt_name``: every special pair, then
    ``random_pairs`` random pairs.

    With ``all_modes_per_pair`` every pair runs in every mode of ``modes``, else each pair
    gets one mode (cycling). The tininess mode and ``op`` (subOp, sqrtOp, signaling,
    signedness) are random per vector; with ``exhaustive_specials`` the special pairs run with
    both values of each instead.
    """
    if fmt_name not in FORMATS:
        raise FloatReferenceError(f"unknown format {fmt_name!r}; expected one of {list(FORMATS)}")
    factory = VectorFactory(unit, FORMATS[fmt_name])
    rng = random.Random(f"{seed}-{unit}-{fmt_name}")
    use_modes = (0,) if unit in MODELESS else modes
    specials = factory.special_operands()
    pairs = specials + [factory.operands(rng) for _ in range(random_pairs)]
    vectors = []
    for i, (a, b) in enumerate(pairs):
        chosen = use_modes if all_modes_per_pair else (use_modes[i % len(use_modes)],)
        for rm in chosen:
            if exhaustive_specials and i < len(specials):
                for op in (0, 1):
                    for ctl in (0, 1):
                        vectors.append(factory.make(a, b, op, rm, ctl))
            else:
                vectors.append(factory.make(a, b, rng.getrandbits(1), rm, rng.getrandbits(1)))
    return vectors
