"""A fuzz worker: a long-lived child process that runs one case at a time.

The parent (:mod:`harness`) writes one JSON request per line on the worker's stdin
(``{"dir": ..., "case": {...}}``) and reads one JSON reply per line from the file descriptor
given as ``argv[1]``. While a case runs, file descriptors 1 and 2 go to ``stdout.txt`` and
``stderr.txt`` in the case directory, so output written by C++ code is captured too. A case
that kills the process (a signal) or hangs is observed by the parent, which starts a new
worker; importing torch once per worker keeps cases cheap.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path


def _run(case: dict) -> dict:
    """Run ``case`` in the current directory; the reply's ``status`` says how it ended."""
    op, driver = case["op"], case["driver"]
    if driver == "cli":
        from torch2calyx.cli import main

        try:
            rc = main(list(case["argv"]))
        except SystemExit as exc:  # argparse usage errors
            rc = exc.code if isinstance(exc.code, int) else 1
        return {"status": "returned", "rc": rc}
    from torch2calyx.errors import Torch2CalyxError

    try:
        _api(op)
    except Torch2CalyxError as exc:
        return {"status": "t2c_error", "rc": 1, "message": str(exc)[:2000]}
    return {"status": "returned", "rc": 0}


def _api(op: str) -> None:
    import torch2calyx

    if op == "api-compile" and Path("model.py").is_file():
        import runpy

        from torch2calyx.errors import FrontendError

        try:  # what a user's own script does before calling compile
            namespace = runpy.run_path("model.py")
        except Exception as exc:
            raise FrontendError(f"model.py raised {type(exc).__name__}: {exc}") from exc
        if "model" not in namespace or "example_inputs" not in namespace:
            raise FrontendError("model.py defines no model or example_inputs")
        torch2calyx.compile(namespace["model"], namespace["example_inputs"], out_dir="out")
    elif op == "api-compile":
        torch2calyx.compile(Path("input.mlir"), out_dir="out")
    elif op == "api-lower":
        from torch2calyx.frontend import lower_mlir_file

        lower_mlir_file("input.mlir")
    elif op == "api-calyx":
        from torch2calyx.calyx import compile_file

        compile_file(Path("prog.futil"), Path("out.sv"))
    else:
        raise ValueError(f"unknown api op {op}")


def main() -> None:
    reply_fd = int(sys.argv[1])
    replies = os.fdopen(reply_fd, "w", buffering=1)
    saved_out, saved_err = os.dup(1), os.dup(2)
    home = os.getcwd()
    import torch  # noqa: F401  (once per worker: the cases should not pay for it)

    for line in sys.stdin:
        request = json.loads(line)
        folder = Path(request["dir"])
        out = os.open(folder / "stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        err = os.open(folder / "stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(out, 1)
        os.dup2(err, 2)
        os.chdir(folder)
        try:
            reply = _run(request["case"])
        except BaseException as exc:  # what would reach the user as a traceback
            reply = {
                "status": "exception",
                "rc": 1,
                "message": f"{type(exc).__name__}: {exc}"[:2000],
                "traceback": traceback.format_exc()[-4000:],
            }
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(out)
            os.close(err)
            os.chdir(home)
        replies.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
