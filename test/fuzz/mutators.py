"""Seeded mutators and case generators of the fuzz suite (no third-party fuzzer needed).

Three input kinds, each grown from the project's own test inputs:

- ``mlir``: loop-level and linalg ``.mlir`` files (``test/python/frontend_inputs``,
  ``test/python/lowering_inputs``, the modules of ``test/passes/*.mlir``), mutated as text
  (truncation, most often inside a ``dense_resource`` blob, spans deleted or duplicated,
  numbers and types swapped for edge values, tokens of the dialects inserted, splices);
- ``futil``: Calyx programs with their data JSON (``test/calyx/corpus``,
  ``test/calyx/golden``): the program mutated as text, or the data JSON mutated as a
  structure (lengths, widths, formats, values and types);
- ``model``: model files: ``examples/*.py`` with integer literals mutated (shapes that
  no longer agree, zero or huge sizes) and generated odd models (``forward`` that raises,
  returns odd types, non-tensor, non-contiguous, zero-sized or oversized inputs, layers
  over the resource limits).

A case is a plain dict (see :func:`make_case`); ``harness`` runs it.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("mlir", "futil", "model")

INTERESTING_INTS = (
    0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 1024, 65535,
    65536, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, -1, -2, -(2**31), -(2**63), 10**6,
)  # fmt: skip
MLIR_TYPES = ("f32", "f64", "f16", "bf16", "i1", "i8", "i16", "i32", "i64", "index", "i0")
MLIR_TOKENS = (
    "}", "{", ")", "(", "%0", "%c0", "@main", "@forward", "\"", "#-}", "{-#", ":", "->",
    "memref<4xf32>", "memref<?xf32>", "memref<0xf32>", "memref<2x2xf32, strided<[1, 2]>>",
    "tensor<4xf32>", "dense_resource<blob>", "dense<1.0>", "dense<[1, 2]>",
    "%z = arith.constant 0 : index\n", "%f = arith.constant 1.0e39 : f32\n",
    "%a = memref.alloc() : memref<4xf32>\n", "%a = memref.alloca() : memref<1000000000xf32>\n",
    "affine.for %q = 0 to 4 {\n", "affine.for %q = 0 to 100000000000 {\n",
    "scf.for %q = %c0 to %c0 step %c0 {\n", "scf.if %x {\n", "scf.while : () -> () {\n",
    "func.call @forward() : () -> ()\n", "func.call @nowhere(%0) : (f32) -> ()\n",
    "memref.global \"private\" constant @g : memref<2xf32> = dense<[1.0, 2.0]>\n",
    "memref.global @m : memref<2xf32> = uninitialized\n", "cf.br ^bb1\n", "^bb1:\n",
    "return\n", "func.return %0 : f32\n", "linalg.yield %0 : f32\n", "\x00", "\u00e9",
    "{-#\n  dialect_resources: { builtin: { blob: \"0x0400", "loc(\"x.py\":1:2)",
    "#map = affine_map<(d0) -> (d0 floordiv 0)>\n", "math.powf", "arith.remsi", "arith.divf",
)  # fmt: skip
FUTIL_TOKENS = (
    "}", "{", ";", "(", ")", "ref ", "@external(1) ", "static<2> ", "static<0> ",
    "@sync(1);", "@sync(2);", "invoke ", "par {", "seq {", "while ", "if ", "comb group ",
    "with ", "[done]", "1'd1", "32'd4294967296", "0'd0", "'d", "std_reg(0)", "std_reg(64)",
    "std_add(1000000)", "comb_mem_d1(32, 0, 1)", "seq_mem_d1(32, 4, 0)", "std_slice(3, 8)",
    "x = std_reg(32);", "import \"primitives/nonexistent.futil\";", "import \"",
    "component f() -> () { cells {} wires {} control {} }", "extern \"a.sv\" { }",
    "primitive p() -> ();", "std_float_const(0, 32, 1e999)", "@interval(0)", "? ",
    "g[go] = 1'd1;", "main", "invoke o[mm = mem]()();", "repeat 4294967296 ", "\x00", "\\",
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# seeds


def _split_lit_file(text: str) -> list[str]:
    """The modules of a lit test file: split at ``// -----``, RUN/CHECK comments dropped."""
    parts = re.split(r"^// -----\s*$", text, flags=re.M)
    out = []
    for part in parts:
        lines = [ln for ln in part.splitlines() if not re.match(r"\s*// (RUN|CHECK|[A-Z-]+:)", ln)]
        body = "\n".join(lines).strip()
        if body:
            out.append(body + "\n")
    return out


def mlir_seeds() -> list[tuple[str, str]]:
    seeds = []
    for folder in ("test/python/frontend_inputs", "test/python/lowering_inputs"):
        for path in sorted((ROOT / folder).glob("*.mlir")):
            seeds.append((path.name, path.read_text()))
    for path in sorted((ROOT / "test/passes").glob("*.mlir")):
        for k, text in enumerate(_split_lit_file(path.read_text())):
            seeds.append((f"{path.stem}#{k}", text))
    seeds.append(("resource_blob", RESOURCE_SEED))
    return seeds


#: loop-level MLIR whose weight is a dense_resource blob (the parser crash of issue 19)
RESOURCE_SEED = """module {
  memref.global "private" constant @w : memref<2xf32> = dense_resource<blob>
  func.func @f(%a: memref<2xf32>, %b: memref<2xf32>) {
    %c0 = arith.constant 0 : index
    %v = memref.get_global @w : memref<2xf32>
    %x = memref.load %v[%c0] : memref<2xf32>
    memref.store %x, %b[%c0] : memref<2xf32>
    return
  }
}
{-#
  dialect_resources: { builtin: { blob: "0x040000000000803F00000040" } }
#-}
"""


def futil_seeds() -> list[tuple[str, str, str | None]]:
    seeds = []
    for folder in ("test/calyx/corpus", "test/calyx/golden"):
        for path in sorted((ROOT / folder).glob("*.futil")):
            data = path.with_name(path.name + ".data")
            seeds.append(
                (path.name, path.read_text(), data.read_text() if data.is_file() else None)
            )
    return seeds


def model_seeds() -> list[tuple[str, str]]:
    return [(p.name, p.read_text()) for p in sorted((ROOT / "examples").glob("*.py"))]


# ---------------------------------------------------------------------------------------------
# text mutations


def _truncate(rng: random.Random, text: str) -> tuple[str, str]:
    blob = text.find("0x", text.find("dialect_resources")) if "dialect_resources" in text else -1
    if blob >= 0 and rng.random() < 0.6:
        at = rng.randrange(blob - 30, min(len(text), blob + 40))
    else:
        at = rng.randrange(len(text) + 1)
    return text[:at], f"truncate@{at}"


def _delete_span(rng: random.Random, text: str) -> tuple[str, str]:
    if rng.random() < 0.5:
        lines = text.splitlines(keepends=True)
        if not lines:
            return text, "noop"
        i = rng.randrange(len(lines))
        n = rng.choice((1, 1, 2, 3))
        return "".join(lines[:i] + lines[i + n :]), f"del-lines@{i}+{n}"
    a = rng.randrange(len(text) + 1)
    b = min(len(text), a + rng.choice((1, 2, 5, 20, 80)))
    return text[:a] + text[b:], f"del@{a}:{b}"


def _duplicate_line(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if not lines:
        return text, "noop"
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines) + 1)
    lines.insert(j, lines[i])
    return "".join(lines), f"dup-line {i}->{j}"


def _swap_lines(rng: random.Random, text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text, "noop"
    i, j = rng.sample(range(len(lines)), 2)
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines), f"swap-lines {i},{j}"


_NUMBER = re.compile(r"(?<![\w.%@#^])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w'])")


def _number(rng: random.Random, text: str) -> tuple[str, str]:
    hits = list(_NUMBER.finditer(text))
    if not hits:
        return text, "noop"
    m = rng.choice(hits)
    if "." in m.group() or "e" in m.group():
        new = rng.choice(("0.0", "-0.0", "1.0e38", "3.4e39", "1.0e-45", "nan", "0x7FC00000"))
    else:
        new = str(rng.choice(INTERESTING_INTS))
    return text[: m.start()] + new + text[m.end() :], f"num {m.group()}->{new}@{m.start()}"


def _type(rng: random.Random, text: str) -> tuple[str, str]:
    hits = list(re.finditer(r"\b(f16|bf16|f32|f64|i1|i8|i16|i32|i64|index)\b", text))
    if not hits:
        return text, "noop"
    m = rng.choice(hits)
    new = rng.choice(MLIR_TYPES)
    return text[: m.start()] + new + text[m.end() :], f"type {m.group()}->{new}@{m.start()}"


def _identifier(rng: random.Random, text: str) -> tuple[str, str]:
    names = list(re.finditer(r"[%@]?[A-Za-z_][\w.]*", text))
    if len(names) < 2:
        return text, "noop"
    m, other = rng.choice(names), rng.choice(names)
    return (
        text[: m.start()] + other.group() + text[m.end() :],
        f"ident {m.group()}->{other.group()}",
    )


def _insert_token(tokens: tuple[str, ...]):
    def mutate(rng: random.Random, text: str) -> tuple[str, str]:
        if rng.random() < 0.7:  # at a line start, where statements go
            starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
            at = rng.choice(starts)
        else:
            at = rng.randrange(len(text) + 1)
        tok = rng.choice(tokens)
        return text[:at] + tok + text[at:], f"insert {tok[:24]!r}@{at}"

    return mutate


def _flip_char(rng: random.Random, text: str) -> tuple[str, str]:
    if not text:
        return text, "noop"
    at = rng.randrange(len(text))
    ch = chr(rng.choice((rng.randrange(32, 127), 0, 0xFF, 0x2028)))
    return text[:at] + ch + text[at + 1 :], f"flip@{at}"


def _splice(pool: list[str]):
    def mutate(rng: random.Random, text: str) -> tuple[str, str]:
        donor = rng.choice(pool)
        a = rng.randrange(len(donor) + 1)
        b = min(len(donor), a + rng.randrange(10, 400))
        at = rng.randrange(len(text) + 1)
        return text[:at] + donor[a:b] + text[at:], f"splice {b - a}@{at}"

    return mutate


def mutate_text(rng: random.Random, text: str, tokens: tuple[str, ...], pool: list[str]):
    """``text`` with 1-3 random mutations; returns ``(text, descriptions)``."""
    ops = [
        (_truncate, 2), (_delete_span, 3), (_duplicate_line, 2), (_swap_lines, 1),
        (_number, 4), (_type, 3), (_identifier, 2), (_insert_token(tokens), 3),
        (_flip_char, 1), (_splice(pool), 1),
    ]  # fmt: skip
    funcs, weights = zip(*ops, strict=True)
    done = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        fn = rng.choices(funcs, weights)[0]
        text, what = fn(rng, text)
        done.append(what)
    return text, done


# ---------------------------------------------------------------------------------------------
# data JSON mutations


def mutate_data(rng: random.Random, text: str) -> tuple[str, list[str]]:
    """A Calyx data JSON mutated as a structure (or, sometimes, as text)."""
    if rng.random() < 0.1:
        at = rng.randrange(len(text) + 1)
        return text[:at], [f"data-truncate@{at}"]
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text, ["data-unparsable"]
    if not isinstance(data, dict) or not data:
        return json.dumps([data]), ["data-wrap"]
    name = rng.choice(sorted(data))
    entry = data[name]
    what = rng.randrange(12)
    if what == 0:
        del data[name]
    elif what == 1:
        data["no_such_memory"] = entry
    elif not isinstance(entry, dict):
        data[name] = {"data": entry}
    elif what == 2 and isinstance(entry.get("data"), list):
        entry["data"] = entry["data"] + entry["data"][:1] * rng.choice((1, 5))
    elif what == 3 and isinstance(entry.get("data"), list):
        entry["data"] = entry["data"][: rng.randrange(len(entry["data"]) + 1)]
    elif what == 4:
        entry["data"] = rng.choice((None, 7, "abc", {"a": 1}, [[1, 2], [3]], [[]], []))
    elif what == 5 and isinstance(entry.get("data"), list) and entry["data"]:
        values = (2**64, -(2**64), 2**31, -1, 0.5, -0.0, 1e308, "x", None, True, [1], float("nan"))
        flat = entry["data"]
        while flat and isinstance(flat[0], list):
            flat = flat[0]
        if flat:
            flat[rng.randrange(len(flat))] = rng.choice(values)
    elif what == 6:
        fmt = entry.setdefault("format", {})
        if isinstance(fmt, dict):
            fmt["width"] = rng.choice((0, 1, 7, 16, 33, 64, 65, 128, -1, "32", None, 2**40))
    elif what == 7:
        fmt = entry.setdefault("format", {})
        if isinstance(fmt, dict):
            fmt["numeric_type"] = rng.choice(("bitnum", "ieee754_float", "fixed_point", "x", 3))
            if fmt["numeric_type"] == "fixed_point" and rng.random() < 0.5:
                fmt["frac_width"] = rng.choice((0, 3, 40, -1, "2"))
    elif what == 8:
        fmt = entry.setdefault("format", {})
        if isinstance(fmt, dict):
            fmt["is_signed"] = rng.choice((True, False, "yes", None, 1))
    elif what == 9:
        entry.pop(rng.choice(("data", "format")), None)
    elif what == 10:
        entry["format"] = rng.choice((None, [], "bitnum", {}))
    else:
        data[name] = rng.choice((None, [], 3, "mem"))
    return json.dumps(data), [f"data-op{what} on {name}"]


# ---------------------------------------------------------------------------------------------
# model files

_MODEL_HEAD = "import torch\nfrom torch import nn\n\ntorch.manual_seed(0)\n\n"
_RETURNS = {
    "none": "None",
    "int": "3",
    "str": "'out'",
    "dict": "{'y': x}",
    "tuple_int": "(x, 3)",
    "nested": "((x, x), x)",
    "list": "[x, x + 1]",
    "bool": "x > 0",
    "half": "x.half()",
    "complex": "torch.complex(x, x)",
    "empty_tuple": "()",
    "input_alias": "x",
    "zero_size": "x[:, :0]",
    "python_float": "float(x.sum())",
    "generator": "(t for t in (x,))",
}
_INPUTS = {
    "float": "(torch.randn(2, 4),)",
    "python_float": "(1.5,)",
    "string": "('x',)",
    "none": "None",
    "empty": "()",
    "dict": "({'x': torch.randn(2, 4)},)",
    "nested": "((torch.randn(2, 4),),)",
    "bare_tensor": "torch.randn(2, 4)",
    "list": "[torch.randn(2, 4)]",
    "noncontig": "(torch.randn(4, 2).t(),)",
    "expanded": "(torch.randn(1, 4).expand(2, 4),)",
    "zero": "(torch.randn(0, 4),)",
    "int64": "(torch.randint(0, 5, (2, 4)),)",
    "bool": "(torch.randn(2, 4) > 0,)",
    "half": "(torch.randn(2, 4).half(),)",
    "complex": "(torch.randn(2, 4, dtype=torch.complex64),)",
    "grad": "(torch.randn(2, 4, requires_grad=True),)",
    "scalar": "(torch.tensor(2.0),)",
    "huge": "(torch.zeros(1, 3_000_000),)",
    "channels_last": "(torch.randn(1, 2, 2, 4).to(memory_format=torch.channels_last),)",
}
_BODIES = {
    "relu": "torch.relu(x)",
    "raise": "(_ for _ in ()).throw(RuntimeError('model refuses'))",
    "linear_mismatch": "self.fc(x)",
    "data_dependent": "x if x.sum() > 0 else -x",
    "item_shape": "torch.zeros(int(x.abs().sum().item()) + 1)",
    "nonzero": "x.nonzero().float()",
    "sort": "torch.sort(x, dim=-1).values",
    "sum": "x.sum()",
    "print": "print('hello from forward', file=__import__('sys').stderr) or x",
    "inplace": "x.add_(1)",
    "mean": "x.mean(dim=-1, keepdim=True)",
}


def _odd_model(rng: random.Random) -> tuple[str, str]:
    ret = rng.choice(list(_RETURNS)) if rng.random() < 0.35 else "input_alias"
    body = rng.choice(list(_BODIES))
    inputs = rng.choice(list(_INPUTS))
    fc_in = rng.choice((3, 4, 5))
    src = _MODEL_HEAD + (
        "class M(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        f"        self.fc = nn.Linear({fc_in}, 4)\n\n"
        "    def forward(self, x):\n"
        f"        x = {_BODIES[body]}\n"
        f"        return {_RETURNS[ret]}\n\n\n"
    )
    model = rng.choice(("M().eval()",) * 6 + ("M()", "None", "lambda x: x", "nn.Identity()"))
    src += f"model = {model}\nexample_inputs = {_INPUTS[inputs]}\n"
    return src, f"odd body={body} return={ret} inputs={inputs} model={model}"


def _big_model(rng: random.Random) -> tuple[str, str]:
    choice = rng.randrange(4)
    if choice == 0:  # weights over the memory limit
        n = rng.choice((1100, 2048))
        src = f"model = nn.Sequential(nn.Linear({n}, {n})).eval()\n"
        src += f"example_inputs = (torch.randn(1, {n}),)\n"
        what = f"linear {n}x{n}"
    elif choice == 1:  # a loop nest over the cycle limit
        src = "model = nn.Sequential(nn.Conv2d(64, 128, 3, padding=1)).eval()\n"
        src += "example_inputs = (torch.randn(1, 64, 64, 64),)\n"
        what = "conv 64x64x64 -> 128 (302M MACs)"
    elif choice == 2:  # an input over the memory limit
        src = "model = nn.Sequential(nn.ReLU()).eval()\n"
        src += "example_inputs = (torch.randn(2, 1024, 1024),)\n"
        what = "relu on 2M elements"
    else:  # a deep stack of small layers
        depth = rng.choice((20, 60))
        src = f"model = nn.Sequential(*[nn.Linear(4, 4) for _ in range({depth})]).eval()\n"
        src += "example_inputs = (torch.randn(1, 4),)\n"
        what = f"deep {depth}"
    return _MODEL_HEAD + src, f"big {what}"


def _mutated_example(rng: random.Random, seeds: list[tuple[str, str]]) -> tuple[str, str]:
    name, text = rng.choice(seeds)
    code_start = text.find('"""', 3) + 3  # after the docstring
    hits = [m for m in re.finditer(r"(?<![\w.])\d+(?![\w.])", text) if m.start() > code_start]
    hits = [m for m in hits if "manual_seed" not in text[max(0, m.start() - 20) : m.start()]]
    done = []
    for _ in range(rng.choice((1, 1, 2))):
        if not hits:
            break
        m = rng.choice(hits)
        new = str(rng.choice((0, 1, 2, 3, 5, 7, 9, 16, 33, 100, 1000)))
        text = text[: m.start()] + new + text[m.end() :]
        done.append(f"{m.group()}->{new}@{m.start()}")
        hits = [h for h in re.finditer(r"(?<![\w.])\d+(?![\w.])", text) if h.start() > code_start]
    return text, f"{name} {' '.join(done)}"


def model_case_source(rng: random.Random, seeds: list[tuple[str, str]]) -> tuple[str, str]:
    r = rng.random()
    if r < 0.45:
        return _mutated_example(rng, seeds)
    if r < 0.9:
        return _odd_model(rng)
    return _big_model(rng)


# ---------------------------------------------------------------------------------------------
# cases


class CaseFactory:
    """Makes reproducible cases: case ``i`` of seed ``s`` is always the same."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.mlir = mlir_seeds()
        self.futil = futil_seeds()
        self.models = model_seeds()
        self._mlir_pool = [t for _, t in self.mlir]
        self._futil_pool = [t for _, t, _ in self.futil]

    def make(self, kind: str, index: int, *, subprocess_share: float = 0.04) -> dict:
        rng = random.Random(f"{self.seed}:{kind}:{index}")
        via_subprocess = rng.random() < subprocess_share
        if kind == "mlir":
            return self._mlir_case(rng, index, via_subprocess)
        if kind == "futil":
            return self._futil_case(rng, index, via_subprocess)
        return self._model_case(rng, index, via_subprocess)

    def _mlir_case(self, rng: random.Random, index: int, sub: bool) -> dict:
        name, text = rng.choice(self.mlir)
        mutated, done = mutate_text(rng, text, MLIR_TOKENS, self._mlir_pool)
        op = rng.choice(("compile", "compile", "lower", "passes", "api-compile", "api-lower"))
        files = {"input.mlir": mutated}
        argv = {
            "compile": ["compile", "input.mlir", "-o", "out"],
            "lower": ["lower", "input.mlir", "-o", "out.mlir"],
            "passes": ["passes", "input.mlir", "-o", "out.mlir", "--data", "data.json"],
        }.get(op)
        out = {
            "compile": ("design", "out"),
            "api-compile": ("design", "out"),
            "lower": ("file", "out.mlir"),
            "passes": ("file", "out.mlir"),
        }.get(op)
        return _case("mlir", index, name, done, op, files, argv, out, sub, rng)

    def _futil_case(self, rng: random.Random, index: int, sub: bool) -> dict:
        name, text, data = rng.choice(self.futil)
        if data is not None and rng.random() < 0.3:
            data, done = mutate_data(rng, data)
            op = "run-calyx"
        else:
            text, done = mutate_text(rng, text, FUTIL_TOKENS, self._futil_pool)
            choices = ("calyx2sv", "calyx2sv", "api-calyx") + (("run-calyx",) if data else ())
            op = rng.choice(choices)
        files = {"prog.futil": text}
        if data is not None:
            files["prog.futil.data"] = data
        argv = {
            "calyx2sv": ["calyx2sv", "prog.futil", "-o", "out.sv"],
            "run-calyx": [
                "run-calyx",
                "prog.futil",
                "--data",
                "prog.futil.data",
                "--sim",
                "icarus",
                "--cycle-limit",
                "20000",
                "--build-dir",
                "simcache",
            ],  # fmt: skip
        }.get(op)
        out = ("file", "out.sv") if op in ("calyx2sv", "api-calyx") else None
        return _case("futil", index, name, done, op, files, argv, out, sub, rng)

    def _model_case(self, rng: random.Random, index: int, sub: bool) -> dict:
        source, what = model_case_source(rng, self.models)
        op = rng.choice(("compile", "compile", "lower", "api-compile", "api-compile"))
        argv = {
            "compile": ["compile", "model.py", "-o", "out"],
            "lower": ["lower", "model.py", "-o", "out.mlir"],
        }.get(op)
        out = ("file", "out.mlir") if op == "lower" else ("design", "out")
        return _case("model", index, what, [], op, {"model.py": source}, argv, out, sub, rng)


def _case(kind, index, seed, done, op, files, argv, out, sub, rng) -> dict:
    driver = "api" if op.startswith("api-") else ("subprocess" if sub else "cli")
    # sometimes an old design is in place: a failed compile must leave it untouched
    old = out is not None and out[0] == "design" and rng.random() < 0.2
    return {
        "kind": kind,
        "index": index,
        "seed": seed,
        "mutations": done,
        "op": op,
        "driver": driver,
        "files": files,
        "argv": argv,
        "out": list(out) if out else None,
        "old_design": old,
    }
