"""Calyx -> SystemVerilog: parser, checks, passes, builtin backend and one-file stitcher.

Public entry points::

    compile_file(futil, out=None, *, backend="builtin", lib_dirs=None, manifest=True,
                 stitcher="builtin") -> CompileResult
    load_program(path=None, *, text=None, lib_dirs=None) -> ir.Program
    compile_program(program, *, source="<program>", pipeline="default") -> CompileResult
    check_program(program) -> list[Diagnostic]   # warnings; raises CalyxCheckError on errors
"""

from torch2calyx.calyx.checks import check_program
from torch2calyx.calyx.compiler import (
    BACKENDS,
    CompileResult,
    calyx_available,
    compile_file,
    compile_program,
)
from torch2calyx.calyx.diagnostics import CalyxCheckError, CalyxSyntaxError, Diagnostic
from torch2calyx.calyx.library import default_lib_root, load_program
from torch2calyx.calyx.stitch import morty_available

__all__ = [
    "BACKENDS",
    "CalyxCheckError",
    "CalyxSyntaxError",
    "CompileResult",
    "Diagnostic",
    "calyx_available",
    "check_program",
    "compile_file",
    "compile_program",
    "default_lib_root",
    "load_program",
    "morty_available",
]
