"""``torch2calyx calyx2sv`` and ``torch2calyx run-calyx``: the Calyx stage from the shell."""

from __future__ import annotations

import argparse
import json
import struct
import sys
import tempfile
from pathlib import Path

from torch2calyx.errors import CalyxError, SimulationError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``calyx2sv`` and ``run-calyx`` subcommands."""
    p = subparsers.add_parser(
        "calyx2sv",
        help="compile a Calyx program (.futil) to one SystemVerilog file",
        description="Compile a Calyx program to one SystemVerilog file holding the design and "
        "every primitive it uses; a Morty-style manifest is written beside it.",
    )
    p.add_argument("futil", type=Path, help="the Calyx program")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .sv file to write")
    _common(p)
    p.add_argument(
        "--stitcher",
        choices=("builtin", "morty"),
        default="builtin",
        help="who writes the one file (morty must be on PATH)",
    )
    p.add_argument("--no-manifest", action="store_true", help="do not write <out>.manifest.json")
    p.set_defaults(func=_cmd_calyx2sv)

    r = subparsers.add_parser(
        "run-calyx",
        help="compile and simulate a Calyx program on a data JSON; print the final memories",
        description="Compile a Calyx program, run it on the @external memories of a Calyx data "
        "JSON, print the final memories as JSON (the shape of Calyx .expect files) on stdout "
        "and the cycle count on stderr.",
    )
    r.add_argument("futil", type=Path, help="the Calyx program")
    r.add_argument("--data", type=Path, required=True, help="Calyx data JSON (prog.futil.data)")
    r.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    r.add_argument("--cycle-limit", type=int, default=1_000_000)
    r.add_argument(
        "--build-dir",
        type=Path,
        default=None,
        help="cache of compiled simulators (default ~/.cache/torch2calyx/sim)",
    )
    _common(r)
    r.set_defaults(func=_cmd_run_calyx)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--backend",
        choices=("builtin", "calyx"),
        default="builtin",
        help="builtin (this package) or calyx (the Calyx compiler on PATH)",
    )
    p.add_argument(
        "--lib",
        type=Path,
        action="append",
        default=[],
        help="extra folder searched for imports (repeatable)",
    )


def _cmd_calyx2sv(args: argparse.Namespace) -> int:
    from torch2calyx.calyx.compiler import compile_file

    result = compile_file(
        args.futil,
        args.output,
        backend=args.backend,
        lib_dirs=args.lib,
        manifest=not args.no_manifest,
        stitcher=args.stitcher,
    )
    for w in result.warnings:
        print(w, file=sys.stderr)
    print(
        f"wrote {args.output} (top '{result.top}', primitives: "
        f"{', '.join(result.primitives) or 'none'})",
        file=sys.stderr,
    )
    return 0


def _cmd_run_calyx(args: argparse.Namespace) -> int:
    from torch2calyx.calyx.compiler import compile_file
    from torch2calyx.sim import simulate

    try:
        data = json.loads(args.data.read_text())
    except OSError as exc:
        raise SimulationError(f"cannot read the data file {args.data}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise SimulationError(
            f"{args.data}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
        ) from None
    _check_data(data, args.data)
    with tempfile.TemporaryDirectory(prefix="t2c-run-calyx-") as tmp:
        sv = Path(tmp) / "design.sv"
        result = compile_file(
            args.futil, sv, backend=args.backend, lib_dirs=args.lib, manifest=False
        )
        for w in result.warnings:
            print(w, file=sys.stderr)
        if not result.top:
            raise CalyxError("the program has no top component")
        sim = simulate(
            sv,
            data=data,
            top=result.top,
            simulator=args.sim,
            cycle_limit=args.cycle_limit,
            build_dir=args.build_dir,
        )
    print(json.dumps(sim.memories, indent=2, sort_keys=True))
    print(f"cycles: {sim.cycles}", file=sys.stderr)
    return 0


#: The widest memory word the data JSON may give (Calyx programs use at most 64-bit data; the
#: encoder builds 2**width-sized bounds, so a width of 2**40 exhausted the memory).
MAX_DATA_WIDTH = 4096


def _check_data(data: object, path: Path) -> None:
    """Validate the data JSON before compiling; a value or format field of the wrong type or
    range (a float too large for its width, a string, ``"frac_width": "x"``) is a
    SimulationError naming the memory.

    ``torch2calyx.sim.data.parse_data`` reports most problems itself; the Python errors it
    lets through (TypeError, ValueError, OverflowError from ``float()``, ``int()`` and
    ``struct.pack``) are turned into messages here.
    """
    from torch2calyx.sim.data import parse_data

    entries = list(data.items()) if isinstance(data, dict) else []
    for name, entry in entries:
        fmt = entry.get("format") if isinstance(entry, dict) else None
        width = fmt.get("width") if isinstance(fmt, dict) else None
        if isinstance(width, int) and width > MAX_DATA_WIDTH:
            raise SimulationError(
                f"{path}: memory '{name}': width {width} is too large; words of at most "
                f"{MAX_DATA_WIDTH} bits are supported"
            )
    errors = (TypeError, ValueError, OverflowError, MemoryError, struct.error)
    try:
        parse_data(data)  # type: ignore[arg-type]
        return
    except SimulationError:
        raise
    except errors as exc:
        first = exc
    for name, entry in entries:
        try:
            parse_data({name: entry})
        except errors as exc:
            raise SimulationError(
                f"{path}: memory '{name}': a value or format field cannot be used "
                f"({type(exc).__name__}: {exc}); values must be numbers that fit the format's "
                "width, and width/frac_width whole numbers"
            ) from None
        except SimulationError:
            continue
    raise SimulationError(f"{path}: invalid data JSON ({type(first).__name__}: {first})")
