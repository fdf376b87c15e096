"""IEEE-754 float units (externals/primitives/float/) against the exact reference model.

The reference (torch2calyx.float.ref) is checked against hand-computed cases, numpy
(round-to-nearest-even) and Berkeley SoftFloat; then every unit in binary16, binary32,
binary64 and bfloat16 runs a few thousand vectors (every pair of special classes plus random
operands, all five rounding modes, both tininess modes) under Verilator, results and flags
compared bit for bit: the go/done units through the real handshake (result on the outputs
from the cycle before done until the next operation), the pipelined units streamed one
operation per cycle in bursts at the latency their .futil declares. The full run is
bench/float_verify.py.
"""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from torch2calyx.float import ref
from torch2calyx.float.ref import F16, F32, F64, INEXACT, INFINITE, INVALID, OVERFLOW, UNDERFLOW
from torch2calyx.float.vectors import (
    PIPELINED,
    TB_FORMATS,
    UNITS,
    make_vectors,
    special_values,
)

ROOT = Path(__file__).resolve().parents[2]
FLOAT_DIR = ROOT / "externals" / "primitives" / "float"
UNIT_FILES = {
    "addFN": ("std_addFN", "numWidth"),
    "mulFN": ("std_mulFN", "numWidth"),
    "compareFN": ("std_compareFN", "numWidth"),
    "divSqrtFN": ("std_divSqrtFN", "numWidth"),
    "fpToInt": ("std_fpToInt", "floatWidth"),
    "intToFp": ("std_intToFp", "floatWidth"),
    "pipelined_addFN": ("pipelined_addFN", "numWidth"),
    "pipelined_mulFN": ("pipelined_mulFN", "numWidth"),
    "pipelined_fpToInt": ("pipelined_fpToInt", "floatWidth"),
    "pipelined_intToFp": ("pipelined_intToFp", "floatWidth"),
}
LATENCY = {"add": 2, "mul": 2, "compare": 1, "divsqrt": 30}
PIPELINE_LATENCY = {"pipelinedAdd": 2, "pipelinedMul": 2}  # the conversions: 1
FORMAT_PARAMS = {
    "binary16": (5, 11, 16),
    "binary32": (8, 24, 32),
    "binary64": (11, 53, 64),
    "bfloat16": (8, 8, 16),
}


# ---------------------------------------------------------------- reference model


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # 1 + 2^-24 is a tie: nearest-even keeps 1, up rounds away, nearest-away too.
        (("add", F32, 0x3F800000, 0x33800000, 0, True), (0x3F800000, INEXACT)),
        (("add", F32, 0x3F800000, 0x33800000, 3, True), (0x3F800001, INEXACT)),
        (("add", F32, 0x3F800000, 0x33800000, 4, True), (0x3F800001, INEXACT)),
        (("add", F32, 0xBF800000, 0xB3800000, 2, True), (0xBF800001, INEXACT)),
        # x - x is +0, except -0 when rounding down.
        (("sub", F32, 0x40490FDB, 0x40490FDB, 0, True), (0x00000000, 0)),
        (("sub", F32, 0x40490FDB, 0x40490FDB, 2, True), (0x80000000, 0)),
        # max * 2 overflows: inf to nearest, max finite toward zero.
        (("mul", F32, 0x7F7FFFFF, 0x40000000, 0, True), (0x7F800000, OVERFLOW | INEXACT)),
        (("mul", F32, 0x7F7FFFFF, 0x40000000, 1, True), (0x7F7FFFFF, OVERFLOW | INEXACT)),
        # min subnormal * 0.5: tie to even gives 0, underflow.
        (("mul", F32, 0x00000001, 0x3F000000, 0, True), (0x00000000, UNDERFLOW | INEXACT)),
        # (2^-126 - 2^-149) * (1 + 2^-23) = 2^-126 - 2^-172 rounds up to the smallest normal
        # even at unbounded precision: tiny before rounding only.
        (("mul", F32, 0x007FFFFF, 0x3F800001, 0, True), (0x00800000, INEXACT)),
        (("mul", F32, 0x007FFFFF, 0x3F800001, 0, False), (0x00800000, UNDERFLOW | INEXACT)),
        (("div", F32, 0x3F800000, 0x00000000, 0, True), (0x7F800000, INFINITE)),
        (("div", F32, 0x00000000, 0x00000000, 0, True), (0x7FC00000, INVALID)),
        (("sqrt", F64, 0xBFF0000000000000, 0, 0, True), (0x7FF8000000000000, INVALID)),
        (("sqrt", F16, 0x4000, 0, 0, True), (0x3DA8, INEXACT)),
        (("add", F16, 0x7C01, 0x3C00, 0, True), (0x7E00, INVALID)),  # signalling NaN
    ],
)
def test_reference_hand_computed(case, expected):
    op, fmt, a, b, rm, after = case
    if op in ("add", "sub"):
        got = ref.exact_add(fmt, a, b, rm=rm, tininess_after=after, subtract=op == "sub")
    elif op == "mul":
        got = ref.exact_mul(fmt, a, b, rm=rm, tininess_after=after)
    elif op == "div":
        got = ref.exact_div(fmt, a, b, rm=rm, tininess_after=after)
    else:
        got = ref.exact_sqrt(fmt, a, rm=rm, tininess_after=after)
    assert got == expected, f"{op} {a:#x} {b:#x}: got {got[0]:#x}/{got[1]:#x}"


def test_reference_conversions_hand_computed():
    assert ref.fp_to_int(F32, 0xC0490FDB, int_width=32, signed=True) == 0xFFFFFFFD  # -3.14 -> -3
    assert ref.fp_to_int(F32, 0xC0490FDB, int_width=32, signed=False) == 0
    assert ref.fp_to_int(F32, 0x7FC00000, int_width=32, signed=True) == 0x7FFFFFFF
    assert ref.fp_to_int(F32, 0x4F000000, int_width=32, signed=True) == 0x7FFFFFFF  # 2^31
    assert ref.fp_to_int(F32, 0xCF000000, int_width=32, signed=True) == 0x80000000  # -2^31
    assert ref.fp_to_int(F32, 0x4F800000, int_width=32, signed=False) == 0xFFFFFFFF  # 2^32
    # 2^24 + 1 is a tie between 2^24 and 2^24 + 2 in binary32.
    assert ref.int_to_fp(F32, (1 << 24) + 1, int_width=32, signed=True) == (0x4B800000, INEXACT)
    assert ref.int_to_fp(F32, (1 << 24) + 3, int_width=32, signed=True) == (0x4B800002, INEXACT)
    assert ref.int_to_fp(F16, 0xFFFFFFFF, int_width=32, signed=True) == (0xBC00, 0)
    assert ref.int_to_fp(F16, 0xFFFFFFFF, int_width=32, signed=False) == (0x7C00, 5)


@pytest.mark.parametrize("fmt", [F16, F32, F64], ids=lambda f: f.name)
def test_reference_matches_numpy_nearest_even(fmt):
    dtype = {16: np.float16, 32: np.float32, 64: np.float64}[fmt.width]
    utype = {16: np.uint16, 32: np.uint32, 64: np.uint64}[fmt.width]
    rng = random.Random(7)
    a_bits = [rng.getrandbits(fmt.width) for _ in range(3000)]
    b_bits = [rng.getrandbits(fmt.width) for _ in range(3000)]
    a = np.array(a_bits, dtype=utype).view(dtype)
    b = np.array(b_bits, dtype=utype).view(dtype)
    with np.errstate(all="ignore"):
        results = {
            "add": a + b,
            "sub": a - b,
            "mul": a * b,
            "div": a / b,
            "sqrt": np.sqrt(a),
        }
    models = {
        "add": lambda x, y: ref.exact_add(fmt, x, y, rm=0, tininess_after=True),
        "sub": lambda x, y: ref.exact_add(fmt, x, y, rm=0, tininess_after=True, subtract=True),
        "mul": lambda x, y: ref.exact_mul(fmt, x, y, rm=0, tininess_after=True),
        "div": lambda x, y: ref.exact_div(fmt, x, y, rm=0, tininess_after=True),
        "sqrt": lambda x, _y: ref.exact_sqrt(fmt, x, rm=0, tininess_after=True),
    }
    for op, values in results.items():
        bits = values.view(utype)
        for x, y, want in zip(a_bits, b_bits, bits.tolist(), strict=True):
            got, _ = models[op](x, y)
            if fmt.is_nan(want):
                assert fmt.is_nan(got), f"{op} {x:#x} {y:#x}: numpy NaN, model {got:#x}"
            else:
                assert got == want, f"{op} {x:#x} {y:#x}: numpy {want:#x}, model {got:#x}"


@pytest.mark.parametrize("fmt", [F16, F32, F64], ids=lambda f: f.name)
def test_reference_matches_softfloat(fmt):
    """Every mode, both tininess modes, flags included. The softfloat binding's known
    defects (see torch2calyx.float.ref) are the only differences allowed: f32/f64 sqrt
    are not compared, and an f16 add/sub that rounds to infinity may lack the overflow flag."""
    sf = ref.SoftFloatOps(fmt)
    rng = random.Random(11)
    pairs = [(a, b) for a in special_values(fmt) for b in special_values(fmt)]
    pairs += [(rng.getrandbits(fmt.width), rng.getrandbits(fmt.width)) for _ in range(1500)]
    ops = ["add", "sub", "mul", "div"] + (["sqrt"] if fmt is F16 else [])
    for i, (a, b) in enumerate(pairs):
        rm, after = i % 5, bool(i & 8)
        for op in ops:
            theirs = sf.arith(op, a, b, rm=rm, tininess_after=after)
            if op in ("add", "sub"):
                mine = ref.exact_add(fmt, a, b, rm=rm, tininess_after=after, subtract=op == "sub")
            elif op == "sqrt":
                mine = ref.exact_sqrt(fmt, a, rm=rm, tininess_after=after)
            else:
                mine = getattr(ref, f"exact_{op}")(fmt, a, b, rm=rm, tininess_after=after)
            known_defect = (
                fmt is F16
                and op in ("add", "sub")
                and fmt.is_inf(mine[0])
                and theirs == (mine[0], INEXACT)
                and mine[1] == OVERFLOW | INEXACT
            )
            assert mine == theirs or known_defect, (
                f"{op} {a:#x} {b:#x} rm={rm} after={after}: model {mine[0]:#x}/{mine[1]:#x}, "
                f"softfloat {theirs[0]:#x}/{theirs[1]:#x}"
            )


# ---------------------------------------------------------------- sources


def test_common_copies_in_sync():
    script = ROOT / "test" / "float" / "embed_common.py"
    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("unit", sorted(UNIT_FILES))
def test_futil_ports_match_sv(unit):
    """The .futil signature and the SystemVerilog module declare the same ports in order."""
    module, _ = UNIT_FILES[unit]
    futil = (FLOAT_DIR / f"{unit}.futil").read_text()
    assert f'extern "{unit}.sv"' in futil
    assert re.search(rf"primitive {module}\[", futil)
    first = futil.split("primitive", 1)[1].split(";", 1)[0]  # the depth-2 primitive
    futil_ports = re.findall(r"(\w+):\s*\w+\s*[,)\n]", first)
    sv = (FLOAT_DIR / f"{unit}.sv").read_text()
    header = sv[sv.index(f"module {module}") :]
    header = header[header.index(") (") : header.index(");")]
    sv_ports = re.findall(r"(\w+)\s*(?:,|\n|$)", header)
    assert futil_ports == sv_ports


def test_futil_interval_is_latency():
    expected = {"addFN": 2, "mulFN": 2, "compareFN": 1, "divSqrtFN": 30, "fpToInt": 1, "intToFp": 1}
    for unit, latency in expected.items():
        futil = (FLOAT_DIR / f"{unit}.futil").read_text()
        assert f"@interval({latency}) @go go: 1" in futil, unit


# The interface the compiler lowering is written against: exact ports, no go/done.
PIPELINED_SIGNATURES = {
    "pipelined_addFN": (
        "static<2> primitive pipelined_addFN[expWidth, sigWidth, numWidth](@clk clk: 1, "
        "@reset reset: 1, control: 1, subOp: 1, left: numWidth, right: numWidth, "
        "roundingMode: 3) -> (out: numWidth, exceptionFlags: 5);"
    ),
    "pipelined_mulFN": (
        "static<2> primitive pipelined_mulFN[expWidth, sigWidth, numWidth](@clk clk: 1, "
        "@reset reset: 1, control: 1, left: numWidth, right: numWidth, roundingMode: 3) -> "
        "(out: numWidth, exceptionFlags: 5);"
    ),
    "pipelined_fpToInt": (
        "static<1> primitive pipelined_fpToInt[expWidth, sigWidth, floatWidth, intWidth]("
        "@clk clk: 1, @reset reset: 1, signedOut: 1, in: floatWidth) -> (out: intWidth);"
    ),
    "pipelined_intToFp": (
        "static<1> primitive pipelined_intToFp[intWidth, expWidth, sigWidth, floatWidth]("
        "@clk clk: 1, @reset reset: 1, in: intWidth, signedIn: 1) -> (out: floatWidth);"
    ),
}


def _declarations(futil: str) -> dict[str, str]:
    """Primitive name -> its declaration in one line (comments dropped)."""
    body = futil[futil.index("{") + 1 : futil.rindex("}")]
    body = re.sub(r"//[^\n]*", "", body)
    decls = [re.sub(r"\s+", " ", d).strip() + ";" for d in body.split(";") if d.strip()]
    decls = [d.replace("( ", "(").replace(" )", ")") for d in decls]
    return {re.search(r"primitive (\w+)", d).group(1): d for d in decls}


@pytest.mark.parametrize("unit", sorted(PIPELINED_SIGNATURES))
def test_pipelined_futil_signature(unit):
    futil = (FLOAT_DIR / f"{unit}.futil").read_text()
    assert f'extern "{unit}.sv"' in futil
    assert _declarations(futil)[unit] == PIPELINED_SIGNATURES[unit]


@pytest.mark.parametrize("unit", ["addFN", "mulFN", "pipelined_addFN", "pipelined_mulFN"])
@pytest.mark.parametrize("stages", [4, 7])
def test_deeper_unit_declarations(unit, stages):
    """``<primitive>_s<N>``: the ports of the depth-2 primitive, latency N (static<N> or
    @interval(N)), and a module of that name in the unit's .sv file."""
    decls = _declarations((FLOAT_DIR / f"{unit}.futil").read_text())
    base = UNIT_FILES[unit][0]
    deep = f"{base}_s{stages}"
    expected = decls[base].replace(f"primitive {base}[", f"primitive {deep}[")
    expected = expected.replace("static<2>", f"static<{stages}>")
    expected = expected.replace("@interval(2)", f"@interval({stages})")
    assert decls[deep] == expected
    assert f"module {deep} #(" in (FLOAT_DIR / f"{unit}.sv").read_text()


def test_calyx_library_loads_float_units():
    """The project's Calyx frontend finds the units through their standard import paths."""
    from torch2calyx.calyx import library

    text = "".join(f'import "primitives/float/{u}.futil";\n' for u in UNIT_FILES)
    program = library.load_program(text=text)
    for unit, (module, _) in UNIT_FILES.items():
        prim = program.primitives[module]
        assert Path(prim.source) == FLOAT_DIR / f"{unit}.sv"


@pytest.mark.verilator
@pytest.mark.parametrize("unit", sorted(UNIT_FILES))
def test_verilator_lint_clean(unit):
    module, width_param = UNIT_FILES[unit]
    for exp, sig, width in FORMAT_PARAMS.values():
        params = [f"-GexpWidth={exp}", f"-GsigWidth={sig}", f"-G{width_param}={width}"]
        if unit.endswith(("fpToInt", "intToFp")):
            params.append("-GintWidth=32")
        cmd = [
            "verilator",
            "--lint-only",
            "-Wall",
            "--top-module",
            module,
            *params,
            str(FLOAT_DIR / f"{unit}.sv"),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


@pytest.mark.icarus
@pytest.mark.parametrize("unit", sorted(UNIT_FILES))
def test_icarus_compiles(unit, tmp_path):
    module, _ = UNIT_FILES[unit]
    cmd = [
        "iverilog",
        "-g2012",
        "-s",
        module,
        "-o",
        str(tmp_path / "a.out"),
        str(FLOAT_DIR / f"{unit}.sv"),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()]
    assert not errors


# ---------------------------------------------------------------- simulation


@pytest.fixture(scope="module")
def harness():
    from torch2calyx.float.harness import HarnessConfig, build_harness

    if shutil.which("verilator") is None:
        pytest.fail("verilator is not on PATH; run ci/setup.sh")
    return build_harness(HarnessConfig(root=ROOT))


@pytest.mark.verilator
def test_harness_reports_mismatches(harness):
    """The comparison can fail: a wrong expected result and wrong flags are both reported."""
    from torch2calyx.float.harness import run_vectors

    vectors = make_vectors("add", "binary32", random_pairs=20)[:20]
    bad = [
        dataclasses.replace(vectors[3], result=vectors[3].result ^ 1),
        dataclasses.replace(vectors[5], flags=vectors[5].flags ^ 1),
    ]
    result = run_vectors(harness, vectors[:3] + bad + vectors[6:])
    assert result.checked == len(vectors) - 1
    assert [v for v, _, _ in result.mismatches] == bad


@pytest.mark.verilator
@pytest.mark.parametrize("fmt_name", TB_FORMATS)
@pytest.mark.parametrize("unit", UNITS)
def test_unit_bit_exact(harness, unit, fmt_name):
    from torch2calyx.float.harness import run_vectors
    from torch2calyx.float.vectors import select

    vectors = make_vectors(unit, fmt_name, random_pairs=1500, seed=2)
    result = run_vectors(harness, vectors, seed=3)
    assert result.checked == len(vectors)
    assert not result.handshake_errors, result.handshake_errors[:5]
    shown = [
        f"a={v.a:#x} b={v.b:#x} op={v.op} rm={v.rm} ctl={v.ctl}: expected "
        f"{v.result:#x}/{v.flags:#x}, got {r:#x}/{f:#x}"
        for v, r, f in result.mismatches[:5]
    ]
    assert not result.mismatches, f"{len(result.mismatches)} mismatches, e.g.\n" + "\n".join(shown)
    sel = select(unit, ref.FORMATS[fmt_name])
    if unit in PIPELINED:
        # streamed at the .futil's static<N>: every result matched the vector issued N
        # cycles before it, in bursts of back-to-back operations with idle cycles between
        latency, checked, longest_burst, idle = result.pipeline[sel]
        assert (latency, checked) == (PIPELINE_LATENCY.get(unit, 1), len(vectors))
        assert longest_burst >= 16 and idle > 0
    else:
        expected = LATENCY.get(unit, 1)
        assert result.latency[sel] == (expected, expected)


@pytest.mark.verilator
@pytest.mark.parametrize("unit", ["pipelinedAdd", "pipelinedMul", "pipelinedFpToInt64"])
def test_pipelined_latency_is_exact(harness, unit):
    """Streamed one cycle early or late, most results belong to another vector: the latency
    the bit-exact test runs at is the only one that works."""
    from torch2calyx.float.harness import run_vectors

    vectors = make_vectors(unit, "binary32", random_pairs=200, seed=4)
    declared = PIPELINE_LATENCY.get(unit, 1)
    assert not run_vectors(harness, vectors, latency=declared).mismatches
    for wrong in (declared - 1, declared + 1):
        if wrong >= 1:
            result = run_vectors(harness, vectors, latency=wrong)
            assert len(result.mismatches) > len(vectors) // 2, wrong


@pytest.fixture(scope="module", params=[4, 7], ids=lambda s: f"stages{s}")
def deep_harness(request):
    """The harness with the adders and multipliers at pipeline depth 4 or 7."""
    from torch2calyx.float.harness import HarnessConfig, build_harness

    if shutil.which("verilator") is None:
        pytest.fail("verilator is not on PATH; run ci/setup.sh")
    return request.param, build_harness(HarnessConfig(root=ROOT), stages=request.param)


@pytest.mark.verilator
@pytest.mark.parametrize("unit", ["add", "mul", "pipelinedAdd", "pipelinedMul"])
def test_deeper_units_bit_exact(deep_harness, unit):
    """The adders and multipliers with `stages` 4 and 6 (the _s4/_s7 primitives): every
    special pair and 1,000 random pairs per format, every rounding and tininess mode, bit-exact
    against the reference; go/done at latency N, pipelined streamed one per cycle at N."""
    from torch2calyx.float.harness import run_vectors
    from torch2calyx.float.vectors import select

    stages, binary = deep_harness
    for fmt_name in TB_FORMATS:
        vectors = make_vectors(unit, fmt_name, random_pairs=1000, seed=5)
        result = run_vectors(binary, vectors, seed=6, latency=stages)
        assert result.checked == len(vectors)
        assert not result.handshake_errors, result.handshake_errors[:5]
        shown = [
            f"a={v.a:#x} b={v.b:#x} op={v.op} rm={v.rm} ctl={v.ctl}: expected "
            f"{v.result:#x}/{v.flags:#x}, got {r:#x}/{f:#x}"
            for v, r, f in result.mismatches[:5]
        ]
        assert not result.mismatches, f"{fmt_name}: {len(result.mismatches)} mismatches\n" + (
            "\n".join(shown)
        )
        sel = select(unit, ref.FORMATS[fmt_name])
        if unit in PIPELINED:
            latency, checked, longest_burst, idle = result.pipeline[sel]
            assert (latency, checked) == (stages, len(vectors))
            assert longest_burst >= 16 and idle > 0
        else:
            assert result.latency[sel] == (stages, stages)
    # streamed one cycle early, most results belong to another vector
    if unit in PIPELINED:
        vectors = make_vectors(unit, "binary32", random_pairs=200, seed=4)
        wrong = run_vectors(binary, vectors, latency=stages - 1)
        assert len(wrong.mismatches) > len(vectors) // 2


# ---------------------------------------------------------------- through the Calyx compiler


def _f32_bits(values) -> list[int]:
    return np.asarray(values, dtype=np.float32).view(np.uint32).tolist()


@pytest.mark.parametrize(
    "simulator",
    [
        pytest.param("verilator", marks=pytest.mark.verilator),
        pytest.param("icarus", marks=pytest.mark.icarus),
    ],
)
def test_float_units_in_calyx_program(simulator, tmp_path):
    """test/float/fp_ops.futil imports every unit through primitives/float/<unit>.futil, is
    compiled by the project's Calyx compiler and simulated; binary32 results bit-exact."""
    from torch2calyx.calyx import compiler
    from torch2calyx.sim import simulate

    result = compiler.compile_file(ROOT / "test" / "float" / "fp_ops.futil", tmp_path / "d.sv")
    for module in (
        "std_addFN",
        "std_mulFN",
        "std_divSqrtFN",
        "std_compareFN",
        "std_fpToInt",
        "std_intToFp",
    ):
        assert module in result.primitives
    f32 = {"numeric_type": "ieee754_float", "is_signed": True, "width": 32}
    i32 = {"numeric_type": "bitnum", "is_signed": True, "width": 32}
    a = np.array([1.5, -2.25, 1e-40, 3.0e38], dtype=np.float32)
    b = np.array([0.1, -0.0, 3.0, 10.0], dtype=np.float32)
    n = [16777217, -7, 0, 2147483647]
    data = {
        "a": {"data": a.tolist(), "format": f32},
        "b": {"data": b.tolist(), "format": f32},
        "n": {"data": n, "format": i32},
        "out_lt": {"data": [0] * 4, "format": {**i32, "is_signed": False, "width": 1}},
        "out_toint": {"data": [0] * 4, "format": i32},
    }
    for op in ("add", "sub", "mul", "div", "sqrt", "tofp"):
        data[f"out_{op}"] = {"data": [0.0] * 4, "format": f32}
    sim = simulate(tmp_path / "d.sv", data=data, simulator=simulator, build_dir=tmp_path / "b")
    with np.errstate(all="ignore"):
        expected = {
            "add": a + b,
            "sub": a - b,
            "mul": a * b,
            "div": a / b,
            "sqrt": np.sqrt(a),
            "tofp": np.array(n, dtype=np.int64).astype(np.float32),
        }
    for op, want in expected.items():
        want_bits = [
            0x7FC00000 if np.isnan(w) else bits
            for w, bits in zip(want.tolist(), _f32_bits(want), strict=True)
        ]
        assert _f32_bits(sim.memories[f"out_{op}"]) == want_bits, op
    assert sim.memories["out_lt"] == [int(x < y) for x, y in zip(a, b, strict=True)]
    assert sim.memories["out_toint"] == [1, -2, 0, 2**31 - 1]


@pytest.mark.parametrize(
    "simulator",
    [
        pytest.param("verilator", marks=pytest.mark.verilator),
        pytest.param("icarus", marks=pytest.mark.icarus),
    ],
)
def test_pipelined_units_in_calyx_program(simulator, tmp_path):
    """test/float/pipelined_ops.futil imports the pipelined units (static<N> primitive
    externs), presents one operation per cycle from a static repeat and stores each result
    N cycles later: eight operations per unit in 10 cycles of the loop, binary32 bit-exact."""
    from torch2calyx.calyx import compiler
    from torch2calyx.sim import simulate

    result = compiler.compile_file(
        ROOT / "test" / "float" / "pipelined_ops.futil", tmp_path / "d.sv"
    )
    for module in PIPELINED_SIGNATURES:
        assert module in result.primitives
    a = _f32_bits([1.5, -2.25, 1e-40, 3.0e38, 0.1, -0.0, 7.0, 2.0**-126])
    b = _f32_bits([0.1, -0.0, 3.0, 10.0, 0.2, 0.0, -7.0, -(2.0**-127)])
    n = [16777217, -7, 0, 2**31 - 1, -(2**31), 1, 33554435, -16777219]
    u32 = {"numeric_type": "bitnum", "is_signed": False, "width": 32}
    data = {
        "a": {"data": a, "format": u32},
        "b": {"data": b, "format": u32},
        "n": {"data": [x & 0xFFFFFFFF for x in n], "format": u32},
    }
    for op in ("add", "sub", "mul", "toint", "tofp"):
        data[f"out_{op}"] = {"data": [0] * 8, "format": u32}
    sim = simulate(tmp_path / "d.sv", data=data, simulator=simulator, build_dir=tmp_path / "b")
    pairs = list(zip(a, b, strict=True))
    expected = {
        "add": [ref.exact_add(F32, x, y, rm=0, tininess_after=True)[0] for x, y in pairs],
        "sub": [
            ref.exact_add(F32, x, y, rm=1, tininess_after=True, subtract=True)[0] for x, y in pairs
        ],
        "mul": [ref.exact_mul(F32, x, y, rm=0, tininess_after=True)[0] for x, y in pairs],
        "toint": [ref.fp_to_int(F32, x, int_width=32, signed=True) for x in a],
        "tofp": [ref.int_to_fp(F32, x & 0xFFFFFFFF, int_width=32, signed=True)[0] for x in n],
    }
    for op, want in expected.items():
        assert sim.memories[f"out_{op}"] == want, op
    assert sim.cycles <= 12, sim.cycles


# ---------------------------------------------------------------- pipelined divide/sqrt

# pipelined_divSqrtFN.sv: one shared module, and per format a parameterless wrapper that
# Calyx declares static<N> with that format's latency (torch2calyx.float.stream).
DIVSQRT_PRIMITIVES = {
    "binary16": ("pipelined_divSqrtF16", 16, 8),
    "binary32": ("pipelined_divSqrtF32", 32, 15),
    "binary64": ("pipelined_divSqrtF64", 64, 29),
    "bfloat16": ("pipelined_divSqrtBF16", 16, 7),
}


def test_pipelined_divsqrt_futil_signatures():
    from torch2calyx.float.stream import declared_latencies, latency_formula

    futil = (FLOAT_DIR / "pipelined_divSqrtFN.futil").read_text()
    assert 'extern "pipelined_divSqrtFN.sv"' in futil
    body = re.sub(r"//[^\n]*", "", futil[futil.index("{") + 1 : futil.rindex("}")])
    signatures = [s.strip() for s in re.sub(r"\s+", " ", body).split(";") if s.strip()]
    expected = [
        f"static<{lat}> primitive {name}( @clk clk: 1, @reset reset: 1, control: 1, "
        f"sqrtOp: 1, left: {w}, right: {w}, roundingMode: 3 ) -> ( out: {w}, "
        "exceptionFlags: 5 )"
        for name, w, lat in DIVSQRT_PRIMITIVES.values()
    ]
    assert sorted(signatures) == sorted(expected)
    assert declared_latencies() == {f: lat for f, (_, _, lat) in DIVSQRT_PRIMITIVES.items()}
    for fmt, (_, _, lat) in DIVSQRT_PRIMITIVES.items():
        assert lat == latency_formula(FORMAT_PARAMS[fmt][1])
    # the SystemVerilog wrappers: same ports in the same order, the right format
    sv = (FLOAT_DIR / "pipelined_divSqrtFN.sv").read_text()
    for fmt, (name, _, _) in DIVSQRT_PRIMITIVES.items():
        module = sv[sv.index(f"module {name} (") :]
        module = module[: module.index("endmodule")]
        ports = re.findall(r"(\w+)\s*(?:,|\n)", module[: module.index(");")])
        assert ports == [
            "clk",
            "reset",
            "control",
            "sqrtOp",
            "left",
            "right",
            "roundingMode",
            "out",
            "exceptionFlags",
        ]
        exp, sig, width = FORMAT_PARAMS[fmt]
        params = f".expWidth({exp}), .sigWidth({sig}), .numWidth({width})"
        assert f"pipelined_divSqrtFN #({params}) core" in module


def test_calyx_library_loads_pipelined_divsqrt():
    from torch2calyx.calyx import library

    program = library.load_program(text='import "primitives/float/pipelined_divSqrtFN.futil";\n')
    for name, _, lat in DIVSQRT_PRIMITIVES.values():
        prim = program.primitives[name]
        assert Path(prim.source) == FLOAT_DIR / "pipelined_divSqrtFN.sv"
        assert prim.latency == lat and prim.params == []


@pytest.mark.verilator
def test_pipelined_divsqrt_lint_clean():
    source = str(FLOAT_DIR / "pipelined_divSqrtFN.sv")
    runs = [[name] for name, _, _ in DIVSQRT_PRIMITIVES.values()]
    for exp, sig, width in FORMAT_PARAMS.values():
        params = [f"-GexpWidth={exp}", f"-GsigWidth={sig}", f"-GnumWidth={width}"]
        runs.append(["pipelined_divSqrtFN", *params])
    for top, *params in runs:
        cmd = ["verilator", "--lint-only", "-Wall", "--top-module", top, *params, source]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


@pytest.mark.icarus
def test_pipelined_divsqrt_icarus_compiles(tmp_path):
    cmd = ["iverilog", "-g2012", "-o", str(tmp_path / "a.out")]
    for name, _, _ in DIVSQRT_PRIMITIVES.values():
        cmd += ["-s", name]
    proc = subprocess.run([*cmd, str(FLOAT_DIR / "pipelined_divSqrtFN.sv")], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"error" not in proc.stderr.lower()


@pytest.fixture(scope="module")
def divsqrt_harness():
    from torch2calyx.float.harness import HarnessConfig
    from torch2calyx.float.stream import build_stream_harness

    if shutil.which("verilator") is None:
        pytest.fail("verilator is not on PATH; run ci/setup.sh")
    return build_stream_harness(HarnessConfig(root=ROOT))


@pytest.mark.verilator
@pytest.mark.parametrize("fmt_name", TB_FORMATS)
def test_pipelined_divsqrt_bit_exact(divsqrt_harness, fmt_name):
    """Every special pair and 1,500 random pairs (divide and sqrt mixed, rounding mode and
    tininess mode changing from one operation to the next), streamed one per cycle in bursts
    with idle cycles between them at the primitive's static<N>."""
    from torch2calyx.float.stream import run_stream

    vectors = make_vectors("pipelinedDivSqrt", fmt_name, random_pairs=1500, seed=2)
    assert {v.op for v in vectors} == {0, 1} and {v.ctl for v in vectors} == {0, 1}
    result = run_stream(divsqrt_harness, vectors, seed=3)
    shown = [
        f"a={v.a:#x} b={v.b:#x} op={v.op} rm={v.rm} ctl={v.ctl}: expected "
        f"{v.result:#x}/{v.flags:#x}, got {r:#x}/{f:#x}"
        for v, r, f in result.mismatches[:5]
    ]
    assert not result.mismatches, f"{len(result.mismatches)} mismatches, e.g.\n" + "\n".join(shown)
    assert result.checked == len(vectors)
    latency, checked, longest_burst, idle = result.pipeline[TB_FORMATS.index(fmt_name)]
    assert (latency, checked) == (DIVSQRT_PRIMITIVES[fmt_name][2], len(vectors))
    assert longest_burst >= 16 and idle > 0


@pytest.mark.verilator
def test_pipelined_divsqrt_latency_is_exact(divsqrt_harness):
    """One cycle early or late, most results belong to another vector; a wrong expected
    result or flag is reported."""
    from torch2calyx.float.stream import declared_latencies, run_stream

    vectors = make_vectors("pipelinedDivSqrt", "binary32", random_pairs=300, seed=4)[-300:]
    declared = declared_latencies()
    assert not run_stream(divsqrt_harness, vectors).mismatches
    for delta in (-1, 1):
        wrong = {**declared, "binary32": declared["binary32"] + delta}
        result = run_stream(divsqrt_harness, vectors, latencies=wrong)
        assert len(result.mismatches) > len(vectors) // 2, delta
    bad = [
        dataclasses.replace(vectors[3], result=vectors[3].result ^ 1),
        dataclasses.replace(vectors[5], flags=vectors[5].flags ^ 1),
    ]
    result = run_stream(divsqrt_harness, vectors[:3] + bad[:1] + vectors[4:5] + bad[1:])
    assert [v for v, _, _ in result.mismatches] == bad


DIVSQRT_PROGRAM = """
// pipelined_divSqrtF32 through the project's Calyx compiler, one operation per cycle: a
// static<1> group runs 23 times; in run i (i = 0..7) it presents a[i], b[i] to a divider
// (round to nearest-even, tininess after rounding) and a square root (round up, tininess
// before rounding) and, from run 15 on, stores what the units return for run i - 15.
import "primitives/core.futil";
import "primitives/memories/comb.futil";
import "primitives/float/pipelined_divSqrtFN.futil";
component main<"toplevel"=1>(@go go: 1, @clk clk: 1, @reset reset: 1) -> (@done done: 1) {
  cells {
    @external(1) a = comb_mem_d1(32, 8, 3);
    @external(1) b = comb_mem_d1(32, 8, 3);
    @external(1) out_div = comb_mem_d1(32, 8, 3);
    @external(1) out_flags = comb_mem_d1(5, 8, 3);
    @external(1) out_sqrt = comb_mem_d1(32, 8, 3);
    u_div = pipelined_divSqrtF32();
    u_sqrt = pipelined_divSqrtF32();
    i = std_reg(5);
    inc = std_add(5);
    back = std_sub(5);
    at = std_slice(5, 3);
    at_back = std_slice(5, 3);
    ready = std_ge(5);
  }
  wires {
    static<1> group step {
      i.in = inc.out; i.write_en = 1'd1;
      inc.left = i.out; inc.right = 5'd1;
      back.left = i.out; back.right = 5'd15;
      at.in = i.out; at_back.in = back.out;
      ready.left = i.out; ready.right = 5'd15;
      a.addr0 = at.out; b.addr0 = at.out;
      u_div.left = a.read_data; u_div.right = b.read_data; u_div.sqrtOp = 1'd0;
      u_div.control = 1'd1; u_div.roundingMode = 3'd0;
      u_sqrt.left = a.read_data; u_sqrt.right = b.read_data; u_sqrt.sqrtOp = 1'd1;
      u_sqrt.control = 1'd0; u_sqrt.roundingMode = 3'd3;
      out_div.addr0 = at_back.out; out_div.write_data = u_div.out;
      out_div.write_en = ready.out ? 1'd1;
      out_flags.addr0 = at_back.out; out_flags.write_data = u_div.exceptionFlags;
      out_flags.write_en = ready.out ? 1'd1;
      out_sqrt.addr0 = at_back.out; out_sqrt.write_data = u_sqrt.out;
      out_sqrt.write_en = ready.out ? 1'd1;
    }
  }
  control {
    static repeat 23 { step; }
  }
}
"""


@pytest.mark.parametrize(
    "simulator",
    [
        pytest.param("verilator", marks=pytest.mark.verilator),
        pytest.param("icarus", marks=pytest.mark.icarus),
    ],
)
def test_pipelined_divsqrt_in_calyx_program(simulator, tmp_path):
    """The static<15> primitive in a Calyx program: eight operations issued on consecutive
    cycles, each result taken 15 cycles later, binary32 bit-exact with flags."""
    from torch2calyx.calyx import compiler
    from torch2calyx.sim import simulate

    source = tmp_path / "divsqrt.futil"
    source.write_text(DIVSQRT_PROGRAM)
    result = compiler.compile_file(source, tmp_path / "d.sv")
    assert "pipelined_divSqrtF32" in result.primitives
    a = _f32_bits([1.5, -2.25, 1e-40, 3.0e38, 0.1, -0.0, 7.0, 2.0**-126])
    b = _f32_bits([0.1, -0.0, 3.0, 1e-5, 0.2, 0.0, -7.0, 3.0])
    u32 = {"numeric_type": "bitnum", "is_signed": False, "width": 32}
    data = {
        "a": {"data": a, "format": u32},
        "b": {"data": b, "format": u32},
        "out_div": {"data": [0] * 8, "format": u32},
        "out_flags": {"data": [0] * 8, "format": {**u32, "width": 5}},
        "out_sqrt": {"data": [0] * 8, "format": u32},
    }
    sim = simulate(tmp_path / "d.sv", data=data, simulator=simulator, build_dir=tmp_path / "b")
    divs = [ref.exact_div(F32, x, y, rm=0, tininess_after=True) for x, y in zip(a, b, strict=True)]
    sqrts = [ref.exact_sqrt(F32, x, rm=3, tininess_after=False)[0] for x in a]
    assert sim.memories["out_div"] == [r for r, _ in divs]
    assert sim.memories["out_flags"] == [f for _, f in divs]
    assert sim.memories["out_sqrt"] == sqrts
    assert {f for _, f in divs} >= {INEXACT, INFINITE, INVALID, OVERFLOW | INEXACT}
    assert sim.cycles <= 25, sim.cycles
