"""lit configuration of the torch2calyx MLIR pass tests.

Runs every ``*.mlir`` file here through ``t2c-opt`` (found on PATH, e.g. the project's
.venv/bin after ./ci/setup.sh) and checks it with FileCheck (LLVM 22's, or the ``filecheck``
Python package when LLVM's is not installed).
"""

import os
import shutil

import lit.formats

config.name = "torch2calyx-passes"  # noqa: F821 (lit injects `config`)
config.test_format = lit.formats.ShTest()  # noqa: F821
config.suffixes = [".mlir"]  # noqa: F821
config.test_source_root = os.path.dirname(__file__)  # noqa: F821
config.excludes = ["lit.cfg.py", "Inputs"]  # noqa: F821

config.environment["PATH"] = os.environ.get("PATH", "")  # noqa: F821

t2c_opt = shutil.which("t2c-opt")
if t2c_opt is None:
    lit_config.fatal(  # noqa: F821
        "t2c-opt not found on PATH; run ./ci/setup.sh and put .venv/bin on PATH "
        "(./ci/test.sh does both)"
    )

filecheck = None
for candidate in ("/usr/lib/llvm-22/bin/FileCheck", shutil.which("FileCheck-22")):
    if candidate and os.access(candidate, os.X_OK):
        filecheck = candidate
        break
if filecheck is None:
    filecheck = shutil.which("filecheck") or shutil.which("FileCheck")
if filecheck is None:
    lit_config.fatal(  # noqa: F821
        "FileCheck not found: install llvm-22-tools or the `filecheck` Python package"
    )

config.substitutions.append(("FileCheck", filecheck))  # noqa: F821
lit_config.note(f"t2c-opt: {t2c_opt}; FileCheck: {filecheck}")  # noqa: F821
