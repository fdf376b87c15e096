"""torch2calyx: PyTorch models to Calyx and one synthesizable SystemVerilog file."""

from torch2calyx.errors import (
    CalyxError,
    FrontendError,
    PassError,
    SimulationError,
    Torch2CalyxError,
)

__version__ = "0.1.0"

__all__ = [
    "CalyxError",
    "FrontendError",
    "PassError",
    "SimulationError",
    "Torch2CalyxError",
    "__version__",
]
