"""The value of ``std_float_const(REP, WIDTH, VALUE)``: a decimal literal -> IEEE-754 bits.

Calyx writes the value of a floating-point constant cell as a number, not as its bit
pattern: ``std_float_const(0, 32, 0.5)``, ``std_float_const(0, 64, -1.25e-3)``, and upstream
CIRCT also prints ``inf``, ``-inf`` and ``nan``. The literal is rounded to the nearest
representable value of the format (ties to even, exactly: the decimal is converted as a
rational number, never through a ``float`` of another width), overflowing to infinity.
``REP`` must be 0 (IEEE-754); ``WIDTH`` 16, 32 or 64. ``nan`` is the canonical quiet NaN of
the format (sign bit set for ``-nan``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

# width -> (exponent bits, fraction bits)
FORMATS = {16: (5, 10), 32: (8, 23), 64: (11, 52)}

_DECIMAL = re.compile(r"(?P<int>\d*)(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[-+]?\d+))?")


@dataclass(frozen=True)
class FloatBits:
    """The encoded constant: ``bits`` and whether the literal was represented exactly."""

    bits: int
    exact: bool


class FloatLiteralError(ValueError):
    """The literal or the format is not one ``std_float_const`` accepts."""


def parse_literal(text: str) -> tuple[int, Fraction | str]:
    """``(sign, magnitude)``: magnitude is a Fraction or "inf" / "nan"."""
    body = text.strip()
    sign = 0
    if body[:1] in "+-":
        sign = 1 if body[0] == "-" else 0
        body = body[1:]
    low = body.lower()
    if low in ("inf", "infinity"):
        return sign, "inf"
    if low == "nan":
        return sign, "nan"
    m = _DECIMAL.fullmatch(body)
    if m is None or not (m.group("int") or m.group("frac")):
        raise FloatLiteralError(f"'{text}' is not a decimal number, inf or nan")
    digits = (m.group("int") or "") + (m.group("frac") or "")
    scale = len(m.group("frac") or "") - int(m.group("exp") or 0)
    value = Fraction(int(digits or "0"))
    value = value / (10**scale) if scale >= 0 else value * (10**-scale)
    return sign, value


def _round_half_even(x: Fraction) -> int:
    q, r = divmod(x.numerator, x.denominator)
    twice = 2 * r
    if twice > x.denominator or (twice == x.denominator and q % 2 == 1):
        q += 1
    return q


def encode(text: str, width: int, rep: int = 0) -> FloatBits:
    """The IEEE-754 bits of the literal ``text`` in a ``width``-bit format."""
    if rep != 0:
        raise FloatLiteralError(
            f"std_float_const representation {rep} is not supported; use 0 (IEEE-754)"
        )
    if width not in FORMATS:
        raise FloatLiteralError(f"std_float_const width {width} is not supported; use 16, 32 or 64")
    ebits, fbits = FORMATS[width]
    sign, mag = parse_literal(text)
    top = sign << (width - 1)
    max_field = (1 << ebits) - 1
    if mag == "inf":
        return FloatBits(top | (max_field << fbits), True)
    if mag == "nan":
        return FloatBits(top | (max_field << fbits) | (1 << (fbits - 1)), True)
    assert isinstance(mag, Fraction)
    if mag == 0:
        return FloatBits(top, True)
    bias = (1 << (ebits - 1)) - 1
    # exponent e with 2**e <= mag < 2**(e+1)
    e = mag.numerator.bit_length() - mag.denominator.bit_length()
    if Fraction(2) ** e > mag:
        e -= 1
    e = max(e, 1 - bias)  # subnormals share the smallest exponent
    scaled = mag / (Fraction(2) ** (e - fbits))
    q = _round_half_even(scaled)
    exact = scaled == q
    if q >= 1 << (fbits + 1):  # rounding carried into the next binade
        q >>= 1
        e += 1
    if q >= 1 << fbits:
        field = e + bias
        if field >= max_field:
            return FloatBits(top | (max_field << fbits), False)
        return FloatBits(top | (field << fbits) | (q - (1 << fbits)), exact)
    return FloatBits(top | q, exact)
