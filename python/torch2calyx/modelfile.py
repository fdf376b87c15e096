"""Model files: a Python file that defines ``model`` and ``example_inputs``.

Every torch2calyx command that takes a PyTorch model reads it this way::

    # mlp.py
    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).eval()
    example_inputs = (torch.randn(1, 4),)

``example_inputs`` is a tuple of tensors (a single tensor or a list is accepted too); its
shapes and dtypes fix the hardware's shapes.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
import traceback
from pathlib import Path

from torch2calyx.errors import FrontendError

_counter = itertools.count()


def load_model_file(path: str | Path) -> tuple[object, tuple]:
    """Execute the model file ``path``; return ``(model, example_inputs)``.

    The file's directory is importable while it runs, so it may import its neighbours.
    Raises FrontendError naming the file (and line) when it fails to run or lacks a name.
    """
    import torch  # deferred: loading torch takes seconds, keep `--help` fast

    path = Path(path)
    if not path.is_file():
        raise FrontendError(f"model file {path} does not exist")
    if path.suffix != ".py":
        raise FrontendError(
            f"model file {path} is not a .py file; a model file is Python that defines "
            "`model` and `example_inputs` (MLIR files go through lower_mlir_file)"
        )
    name = f"_t2c_model_{next(_counter)}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise FrontendError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise FrontendError(_describe_failure(path, exc)) from exc
    finally:
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)

    missing = [n for n in ("model", "example_inputs") if not hasattr(module, n)]
    if missing:
        raise FrontendError(
            f"{path} does not define {' and '.join(f'`{n}`' for n in missing)}; a model file "
            "must set `model = <nn.Module in eval mode>` and `example_inputs = (tensor, ...)`"
        )
    model = module.model
    inputs = module.example_inputs
    if not isinstance(model, torch.nn.Module):
        raise FrontendError(f"{path}: `model` is a {type(model).__name__}, not a torch.nn.Module")
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    if isinstance(inputs, list):
        inputs = tuple(inputs)
    if not isinstance(inputs, tuple) or not all(isinstance(x, torch.Tensor) for x in inputs):
        raise FrontendError(
            f"{path}: `example_inputs` must be a tuple of tensors, e.g. "
            "`example_inputs = (torch.randn(1, 4),)`"
        )
    return model, inputs


def _describe_failure(path: Path, exc: Exception) -> str:
    target = path.resolve()
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == target]
    where = f"{path}:{frames[-1].lineno}" if frames else str(path)
    return f"{where}: running the model file failed: {type(exc).__name__}: {exc}"
