"""``torch2calyx passes``: run native MLIR passes on an .mlir file (in process, no t2c-opt)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from torch2calyx.errors import PassError

DEFAULT_PIPELINE = "flatten-memrefs,externalize-globals"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``passes`` subcommand to the torch2calyx command line."""
    p = subparsers.add_parser(
        "passes",
        help="run native MLIR passes (flatten-memrefs, externalize-globals, ...) on an .mlir file",
        description="Run a pass pipeline of the native library on FILE.mlir, as `t2c-opt "
        "--pass-pipeline=...` would, and write the Calyx data JSON that externalize-globals "
        f"produces. The default pipeline, `{DEFAULT_PIPELINE}`, turns loop-level MLIR into "
        "1-D memories with the weights as named external memories.",
    )
    p.add_argument("source", type=Path, metavar="FILE.mlir", help="input MLIR (- for stdin)")
    p.add_argument(
        "-p",
        "--pipeline",
        default=DEFAULT_PIPELINE,
        help=f"textual pass pipeline, `a,b` or `builtin.module(a,b)` (default: {DEFAULT_PIPELINE})",
    )
    p.add_argument(
        "-o", "--output", type=Path, default=None, help="write the MLIR here (default: stdout)"
    )
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="PATH",
        help="write the data JSON of externalize-globals here (default: keep it in the module "
        "as the attribute t2c.data)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Execute ``torch2calyx passes`` with parsed ``args``."""
    from torch2calyx import passes

    if str(args.source) == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        if not args.source.is_file():
            raise PassError(f"{args.source}: no such file")
        text, name = args.source.read_text(), str(args.source)
    # parsed in a child process first: MLIR's parser segfaults on some malformed input
    checked = passes.check_parses(text, source_name=name)
    if not checked.ok:
        raise PassError(f"{name} is not valid MLIR: " + checked.diagnostics.replace("\n", "\n  "))

    if args.data is None:
        out = passes.run_pipeline(text, args.pipeline, source_name=name)
    else:
        result = passes.run_pipeline_with_data(text, args.pipeline, source_name=name)
        if result.data is None and "externalize-globals" in args.pipeline:
            result = passes.PipelineResult(ir=result.ir, data={})  # a model without weights
        if result.data is None:
            raise PassError(
                f"--data {args.data}: the pipeline '{args.pipeline}' produced no data JSON; "
                "add externalize-globals to it"
            )
        args.data.write_text(json.dumps(result.data) + "\n")
        out = result.ir
    if args.output is None:
        sys.stdout.write(out)
    else:
        args.output.write_text(out)
    return 0
