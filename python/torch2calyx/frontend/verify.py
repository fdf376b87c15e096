"""Checker for loop-level MLIR text (the contract between the front end and the passes)."""

from __future__ import annotations

from torch_mlir import ir

from torch2calyx.errors import FrontendError
from torch2calyx.frontend import mlir_passes as mp


def parse_module(text: str, *, source: str = "<string>") -> ir.Module:
    """Parse MLIR ``text`` in the current torch-mlir context; FrontendError with the location."""
    try:
        return ir.Module.parse(text)
    except Exception as exc:  # MLIRError carries the parser's diagnostics
        detail = str(exc).replace('"-":', f"{source}:").replace("\n", "\n  ")
        raise FrontendError(f"{source} is not valid MLIR: {detail}") from exc


def verify_loop_level_text(text: str, *, func_name: str) -> None:
    """Raise FrontendError naming the first op or type that loop-level MLIR must not contain.

    Accepted: func / arith / math / memref (global, get_global, alloc, alloca, dealloc, load,
    store) / affine / scf ops on static identity-layout memrefs, weights inline as dense<>.
    """
    with ir.Context():
        module = parse_module(text)
        mp.verify_loop_level(module, func_name)
