"""torch2calyx: PyTorch models to Calyx and one synthesizable SystemVerilog file."""

from torch2calyx.design import Design, SimulationResult
from torch2calyx.errors import (
    CalyxError,
    FrontendError,
    PassError,
    SimulationError,
    Torch2CalyxError,
)
from torch2calyx.flow import compile  # noqa: A004 - the public name the API promises

__version__ = "0.1.0"

__all__ = [
    "Design",
    "SimulationResult",
    "compile",
    "CalyxError",
    "FrontendError",
    "PassError",
    "SimulationError",
    "Torch2CalyxError",
    "__version__",
]
