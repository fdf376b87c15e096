"""Exceptions shared by every stage.

Each stage raises a subclass of :class:`Torch2CalyxError` whose message names the stage, the
cause (op, MLIR location, PyTorch source line, ``.futil`` line:column) and how to fix it. The
CLI prints that message and exits non-zero; no Python traceback reaches the user.
"""

from __future__ import annotations


class Torch2CalyxError(Exception):
    """Base class of every error torch2calyx reports to a user."""

    stage = "torch2calyx"

    def __str__(self) -> str:
        return f"[{self.stage}] {super().__str__()}"


class FrontendError(Torch2CalyxError):
    """PyTorch export or torch-mlir lowering failed."""

    stage = "frontend"


class PassError(Torch2CalyxError):
    """An MLIR pass pipeline of the native library failed."""

    stage = "passes"


class CalyxError(Torch2CalyxError):
    """A Calyx program could not be parsed, checked or compiled."""

    stage = "calyx"


class SimulationError(Torch2CalyxError):
    """Building or running a simulation failed."""

    stage = "simulation"
