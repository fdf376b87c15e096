"""The `torch2calyx` command line.

Every subcommand lives next to the stage it drives (``frontend/cli.py``, ``calyx/cli.py``,
...) and registers itself through a ``register(subparsers)`` function, so that the stages stay
independent and this file is only the dispatcher.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from torch2calyx.errors import Torch2CalyxError

# Modules that contribute subcommands, in the order they appear in `--help`.
_COMMAND_MODULES = (
    "torch2calyx.frontend.cli",
    "torch2calyx.passes_cli",
    "torch2calyx.calyx.cli",
    "torch2calyx.flow_cli",
    "torch2calyx.synth_cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="torch2calyx",
        description="Compile PyTorch models to Calyx and SystemVerilog, and verify the hardware "
        "against PyTorch.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # this stage has not been written yet
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Torch2CalyxError as exc:
        print(f"torch2calyx: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("torch2calyx: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: one readable line, the traceback on request
        if os.environ.get("T2C_DEBUG"):
            raise
        print(
            f"torch2calyx: internal error: {type(exc).__name__}: {exc}\n"
            "this is a bug in torch2calyx; rerun with T2C_DEBUG=1 for the traceback and "
            "report it",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
