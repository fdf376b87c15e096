"""Coverage of Calyx's own ``tests/correctness`` suite by the builtin backend.

Give it a folder of Calyx correctness programs (a Calyx checkout's ``tests/correctness``, or
a copy of it); each ``prog.futil`` with a ``prog.expect`` beside it is compiled by the builtin
backend (``torch2calyx.calyx``), simulated (``torch2calyx.sim``, the ``run-calyx`` path) on
``prog.futil.data`` and its final memories are compared with the ``.expect``. Prints one row
per program and the coverage:

    PYTHONPATH=python .venv/bin/python bench/calyx_correctness.py /path/to/calyx/tests/correctness
        [--sim icarus|verilator] [-k SUBSTRING] [--json results.json]

Which programs count. Calyx's ``runt.toml`` runs ``tests/correctness`` in several stanzas;
the ones WITHOUT special compiler flags are "correctness dynamic" (``*.futil``,
``ref-cells/``, ``sync/``, ``static-interface/``), "numeric types correctness and parsing"
(``numeric-types/{parsing,bitnum,fixed-point}/``) and "[frontend] tcam testing"
(``tcam/``). Those folders are measured; ``static-control/`` and
``group-static-promotion/`` (``-p all -d group2invoke``), ``static-islands/``
(``-d static-promotion``) and the frontend folders (systolic, relay, ntt, exp, ...) are
not. A program with a ``.skip`` file beside it is skipped, as runt does. Those stanzas pipe
the simulation through ``jq .memories`` (or, for "static timing", compare the whole output);
this script compares the memories only, never the cycle count (an ``.expect`` of the form
``{"cycles": N, "memories": {...}}`` is read for its memories). Memory values compare
exactly: integers as integers, fixed-point values (the ``.expect`` writes them as decimal
strings) as exact rationals. An ``.expect`` that starts with ``---CODE---`` records that
Calyx's run fails (``assert.futil``: an assertion that fires); such a program passes when the
simulation fails too.

Like Calyx's ``fud`` (its default ``round_float_to_fixed``), fixed-point data values that
the format cannot represent exactly are rounded to the nearest representable value before
the run (torch2calyx's own data loader rejects them instead), and data entries for memories
the program does not have are ignored.

Programs written for an early Calyx (``import "primitives/std.lib"``,
``primitives/bitnum/``, ``primitives/fixed/``, ``primitives/memories.futil``, cells declared
with ``prim``) are listed as "obsolete" and left out of the percentage: today's Calyx does not
parse them either.

How the scratch copy measured in the README was made (no Calyx checkout was reachable from
the machine): the stored copy of ``calyxir/calyx`` of the search tool (``find_files`` with
``under="tests/correctness"``, ``read_file`` at the commit each listing gives) was written by
hand into ``/tmp/calyx-correctness`` (same layout; ``skid-buffers/*.futil`` placed at the top
level beside the ``skid-buffer.expect``/``bypass-reg.expect`` they pair with). That copy is a
union over Calyx's history, so some files are old versions; data files in the pre-2022
``"type": "TSizedInt(32, true)"`` form were rewritten in today's ``format`` form with the same
values. Where the store has no ``.futil.data`` (its index deduplicates identical files) the
data was rebuilt from the ``.expect`` (memories the program only reads keep their values,
memories it writes start at 0) and the file named ``prog.futil.data.reconstructed``; this
script uses such a file when ``prog.futil.data`` is missing and marks the row with ``(r)``.
Calyx's files are not part of this repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from torch2calyx.calyx.compiler import compile_file
from torch2calyx.errors import Torch2CalyxError
from torch2calyx.sim import design_memories, simulate

#: folders of tests/correctness that runt runs without special flags ("" is the top level)
MEASURED = ("", "ref-cells", "sync", "static-interface", "tcam") + tuple(
    f"numeric-types/{d}" for d in ("parsing", "bitnum", "fixed-point")
)
#: library files and syntax an early Calyx had and today's lacks: programs using them are obsolete
OBSOLETE = re.compile(
    r'import\s+"primitives/(std\.lib|bitnum/|fixed/|memories\.futil)|^\s*\w+\s*=\s*prim\s', re.M
)


@dataclass
class Row:
    program: str
    status: str  # pass, fail, error, obsolete, skipped
    kind: str = ""  # for fail/error: mismatch, compile, simulate, timeout, crash
    reason: str = ""
    reconstructed: bool = False
    cycles: int = 0


def _exact(v: Any) -> Any:
    """A memory value as an exact number (decimal strings of the .expect included)."""
    if isinstance(v, list):
        return [_exact(x) for x in v]
    if isinstance(v, str):
        try:
            return Fraction(Decimal(v))
        except InvalidOperation:
            return v
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return Fraction(v)
    return v


def _expected_memories(text: str) -> dict[str, Any] | None:
    """Memories of an .expect (None: Calyx's run is expected to fail)."""
    if text.lstrip().startswith("---CODE---"):
        return None
    obj = json.loads(text)
    if isinstance(obj, dict) and isinstance(obj.get("memories"), dict):
        obj = obj["memories"]
    return {k: (v["data"] if isinstance(v, dict) and "data" in v else v) for k, v in obj.items()}


def _round_fixed(data: dict) -> dict:
    """fud's round_float_to_fixed: fixed-point values to the nearest representable one."""
    out = {}
    for name, mem in data.items():
        fmt = mem.get("format", {}) if isinstance(mem, dict) else {}
        if fmt.get("numeric_type") != "fixed_point":
            out[name] = mem
            continue
        frac = fmt.get("frac_width")
        if frac is None and "int_width" in fmt:
            frac = fmt["width"] - fmt["int_width"]
        scale = 1 << int(frac or 0)

        def rnd(v: Any, scale: int = scale) -> Any:
            if isinstance(v, list):
                return [rnd(x) for x in v]
            return float(round(Fraction(v) * scale)) / scale

        out[name] = {**mem, "data": rnd(mem["data"])}
    return out


def _first_line(exc: BaseException) -> str:
    """The line of an error message that names the problem (not "N error(s) in ...")."""
    lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()]
    if len(lines) > 1 and re.search(r"\d+ error\(s\)|failed \(", lines[0]):
        lines = lines[1:]
    return lines[0][:200] if lines else type(exc).__name__


def _mismatch(got: dict[str, Any], want: dict[str, Any]) -> str | None:
    for name, values in sorted(want.items()):
        if name not in got:
            return f"memory '{name}' is not in the simulation's output"
        g, w = _exact(got[name]), _exact(values)
        if g != w:
            flat_g, flat_w = json.dumps(got[name]), json.dumps(values)
            return f"memory '{name}': got {flat_g[:60]}, expected {flat_w[:60]}"
    return None


def run_one(futil: Path, root: Path, sim: str, build_dir: Path, cycle_limit: int) -> Row:
    rel = str(futil.relative_to(root))
    if (futil.with_suffix(".skip")).exists() or futil.with_name(futil.name + ".skip").exists():
        return Row(rel, "skipped", reason="a .skip file beside it (runt skips it)")
    source = futil.read_text()
    if OBSOLETE.search(source):
        return Row(
            rel, "obsolete", reason="early Calyx syntax or library (today's Calyx rejects it)"
        )
    expect_text = futil.with_suffix(".expect").read_text()
    data_path = futil.with_name(futil.name + ".data")
    reconstructed = False
    if not data_path.exists():
        data_path = futil.with_name(futil.name + ".data.reconstructed")
        reconstructed = data_path.exists()
    data = _round_fixed(json.loads(data_path.read_text())) if data_path.exists() else {}
    want = _expected_memories(expect_text)
    row = Row(rel, "error", reconstructed=reconstructed)
    with tempfile.TemporaryDirectory(prefix="t2c-correctness-") as tmp:
        sv = Path(tmp) / "design.sv"
        try:
            result = compile_file(futil, sv, manifest=False)
        except Torch2CalyxError as exc:
            row.kind, row.reason = "compile", _first_line(exc)
            return row
        except Exception as exc:  # an internal error of the backend: a bug, reported as one
            row.kind, row.reason = "crash", f"{type(exc).__name__}: {_first_line(exc)}"
            return row
        top = result.top or "main"
        try:
            mems = design_memories(sv.read_text(), top)
            data = {k: v for k, v in data.items() if k in mems}
            res = simulate(
                sv,
                data=data,
                top=top,
                simulator=sim,
                cycle_limit=cycle_limit,
                build_dir=build_dir,
                progress=False,
            )
        except Torch2CalyxError as exc:
            if want is None and "assert" in str(exc).lower():
                return Row(rel, "pass", reason="the simulation stops on the assertion, as Calyx's")
            timeout = "did not raise done" in str(exc)
            row.kind, row.reason = ("timeout" if timeout else "simulate"), _first_line(exc)
            return row
        except Exception as exc:
            row.kind, row.reason = "crash", f"{type(exc).__name__}: {_first_line(exc)}"
            return row
    row.cycles = res.cycles
    if want is None:
        row.status, row.kind = "fail", "mismatch"
        row.reason = "the simulation succeeds but Calyx's run is expected to fail"
        return row
    bad = _mismatch(res.memories, want)
    if bad:
        row.status, row.kind, row.reason = "fail", "mismatch", bad
    else:
        row.status = "pass"
    return row


def discover(root: Path) -> list[Path]:
    found = []
    for folder in MEASURED:
        d = root / folder if folder else root
        found += [p for p in sorted(d.glob("*.futil")) if p.with_suffix(".expect").exists()]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="Calyx's tests/correctness (or a copy)")
    parser.add_argument("--sim", choices=("icarus", "verilator"), default="icarus")
    parser.add_argument("-k", default="", help="only programs whose path contains this")
    parser.add_argument("--cycle-limit", type=int, default=200_000)
    parser.add_argument("--build-dir", type=Path, default=None, help="simulator cache")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    if not args.root.is_dir():
        print(f"error: {args.root} is not a folder", file=sys.stderr)
        return 2
    programs = [p for p in discover(args.root) if args.k in str(p.relative_to(args.root))]
    if not programs:
        print(f"error: no .futil with a .expect in the measured folders of {args.root}")
        return 2
    build = args.build_dir or Path(tempfile.mkdtemp(prefix="t2c-correctness-cache-"))
    rows = []
    start = time.monotonic()
    for p in programs:
        row = run_one(p, args.root, args.sim, build, args.cycle_limit)
        rows.append(row)
        mark = " (r)" if row.reconstructed else ""
        detail = f"{row.kind}: {row.reason}" if row.kind else row.reason
        print(f"{row.status:8} {row.program}{mark}  {detail}".rstrip(), flush=True)
    counted = [r for r in rows if r.status in ("pass", "fail", "error")]
    passed = sum(r.status == "pass" for r in counted)
    kinds: dict[str, int] = {}
    for r in counted:
        if r.status != "pass":
            kinds[r.kind] = kinds.get(r.kind, 0) + 1
    print()
    print(f"simulator: {args.sim}; {time.monotonic() - start:.0f} s")
    print(f"programs found: {len(rows)}; obsolete: {sum(r.status == 'obsolete' for r in rows)};")
    print(f"  skipped: {sum(r.status == 'skipped' for r in rows)}; measured: {len(counted)}")
    print(f"passed: {passed}; failed: {len(counted) - passed} {kinds or ''}".rstrip())
    if counted:
        print(f"coverage: {passed}/{len(counted)} = {100 * passed / len(counted):.1f}%")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
