"""Calyx program -> one SystemVerilog file, with the builtin backend or the real ``calyx``.

``compile_file(futil, out)`` is what the end-to-end flow calls; ``compile_program`` works on
an already-loaded :class:`~torch2calyx.calyx.ir.Program`.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from torch2calyx.calyx import ir, rtl
from torch2calyx.calyx.backend import compile_component
from torch2calyx.calyx.library import default_lib_root, load_program
from torch2calyx.calyx.passes import run_pipeline
from torch2calyx.calyx.stitch import morty_available, run_morty, stitch, write_manifest
from torch2calyx.errors import CalyxError

log = logging.getLogger(__name__)

BACKENDS = ("builtin", "calyx")


@dataclass
class CompileResult:
    """What a compilation produced: the text, its top module and the primitives it includes."""

    verilog: str
    top: str
    primitives: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    command: list[str] | None = None  # the external command, when one ran
    warnings: list[str] = field(default_factory=list)
    design_text: str = ""  # the design's own modules, without primitives
    primitive_files: list[Path] = field(default_factory=list)


def component_order(program: ir.Program) -> list[ir.Component]:
    """Components reachable from the entry point, instantiated ones before their users."""
    order: list[ir.Component] = []
    state: dict[str, int] = {}

    def visit(comp: ir.Component) -> None:
        if state.get(comp.name) == 2:
            return
        if state.get(comp.name) == 1:
            raise CalyxError(f"{comp.loc}: component '{comp.name}' instantiates itself")
        state[comp.name] = 1
        for cell in comp.cells.values():
            if cell.proto in program.components:
                visit(program.components[cell.proto])
        state[comp.name] = 2
        order.append(comp)

    visit(program.entrypoint())
    return order


def compile_program(
    program: ir.Program, *, source: str = "<program>", pipeline: str = "default"
) -> CompileResult:
    """Run the pass pipeline and the builtin backend; returns the stitched one-file design."""
    warnings = run_pipeline(program, pipeline=pipeline)
    comps = component_order(program)
    top = comps[-1]
    if top.latency is not None:
        raise CalyxError(
            f"{top.loc}: the top component '{top.name}' is static<{top.latency}>, so it has no "
            "done for a testbench to wait on; invoke it from a dynamic main component"
        )
    modules = []
    used: set[str] = set()
    files: list[Path] = []
    for comp in comps:
        if comp.name in rtl.SV_KEYWORDS or comp.name in program.primitives:
            raise CalyxError(
                f"{comp.loc}: component name '{comp.name}' clashes with a SystemVerilog keyword "
                "or a primitive; rename the component"
            )
        modules.append(rtl.emit_module(compile_component(program, comp)))
        for cell in comp.cells.values():
            prim = program.primitives.get(cell.proto)
            if prim is not None:
                used.add(prim.name)
                if prim.source is not None and prim.source not in files:
                    files.append(prim.source)
    text, prims = stitch(modules, files, sorted(used), source=source)
    return CompileResult(
        text,
        comps[-1].name,
        prims,
        [c.name for c in comps],
        warnings=[w.render(program.sources) for w in warnings],
        design_text="\n".join(modules),
        primitive_files=files,
    )


def compile_file(
    futil: Path,
    out: Path | None = None,
    *,
    backend: str = "builtin",
    lib_dirs: list[Path] | None = None,
    manifest: bool = True,
    stitcher: str = "builtin",
) -> CompileResult:
    """Compile ``futil`` to one SystemVerilog file (written to ``out`` when given).

    ``backend`` is ``"builtin"`` (this package) or ``"calyx"`` (the real Calyx compiler,
    which must be on PATH; it is run with this project's primitives as its library root).
    With ``manifest`` a Morty-style ``<out>.manifest.json`` is written beside ``out`` (every
    path in it relative to its folder or to the primitive library root, so the pair can be
    moved); ``stitcher="morty"`` stitches with ``morty`` (must be on PATH) instead of the
    builtin one.
    Raises :class:`~torch2calyx.errors.CalyxError` (or a subclass) on any problem.
    """
    futil = Path(futil)
    if backend not in BACKENDS:
        raise CalyxError(f"unknown backend '{backend}'; choose one of {', '.join(BACKENDS)}")
    if stitcher not in ("builtin", "morty"):
        raise CalyxError(f"unknown stitcher '{stitcher}'; choose builtin or morty")
    if backend == "calyx":
        result = _compile_with_calyx(futil, lib_dirs=lib_dirs)
    else:
        program = load_program(futil, lib_dirs=lib_dirs)
        # the header names the program by its file name: the output may be moved anywhere
        result = compile_program(program, source=futil.name)
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.verilog)
        if stitcher == "morty" and backend == "builtin":
            result.command = _stitch_with_morty(result, out)
        if manifest and backend == "builtin":
            # what the one file is made of, in the shape `morty --manifest` writes: the file
            # itself, relative to the manifest, and the primitive library files it took
            # modules from, relative to the library root
            write_manifest(
                out.with_name(out.name + ".manifest.json"),
                top=result.top,
                sources=[out],
                primitive_files=result.primitive_files,
                primitive_modules=result.primitives,
                lib_root=default_lib_root(),
            )
    return result


def _stitch_with_morty(result: CompileResult, out: Path) -> list[str]:
    """Restitch ``out`` with ``morty`` from the design's modules and the primitive files; its
    inputs and its own manifest live in a temporary directory and are not kept."""
    with tempfile.TemporaryDirectory(prefix="t2c-morty-") as tmp:
        design_only = Path(tmp) / "design_modules.sv"
        design_only.write_text(result.design_text)
        sources = [f.resolve() for f in result.primitive_files] + [design_only]
        stitched = Path(tmp) / "morty.sv"
        command = run_morty(
            sources, stitched, top=result.top, manifest=Path(tmp) / "morty.manifest.json"
        )
        out.write_text(stitched.read_text())
    result.verilog = out.read_text()
    return command


def calyx_available() -> bool:
    """Whether the real Calyx compiler is on PATH."""
    return shutil.which("calyx") is not None


def _compile_with_calyx(futil: Path, *, lib_dirs: list[Path] | None) -> CompileResult:
    if not calyx_available():
        raise CalyxError(
            "the 'calyx' backend needs the Calyx compiler on PATH "
            "(cargo install calyx); use --backend builtin otherwise"
        )
    lib = (lib_dirs or [default_lib_root()])[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.sv"
        cmd = ["calyx", str(futil), "-l", str(lib), "-b", "verilog", "--synthesis", "-o", str(out)]
        log.info("running %s", shlex.join(cmd))
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise CalyxError(f"{shlex.join(cmd)} failed:\n{proc.stderr.strip()}")
        text = out.read_text()
    return CompileResult(text, "main", [], [], cmd)


__all__ = [
    "BACKENDS",
    "CompileResult",
    "compile_file",
    "compile_program",
    "calyx_available",
    "morty_available",
]
