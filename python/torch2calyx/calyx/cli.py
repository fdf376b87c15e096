"""``torch2calyx calyx2sv`` and ``torch2calyx run-calyx``: the Calyx stage from the shell."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from torch2calyx.errors import CalyxError


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
    from torch2calyx.sim.data import load_data_file

    data = load_data_file(args.data)
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
