"""Python interface of the native MLIR pass library (``torch2calyx._passes``).

The C++ passes (``passes/lib``) run here inside the Python process, on MLIR 22 linked privately
into ``torch2calyx._passes`` (so it coexists with torch-mlir's own MLIR), and from the shell
through ``t2c-opt``, which links the same library::

    run_pipeline(ir, pipeline, *, source_name="<input>", repro_dir=None) -> str
    run_pipeline_with_data(ir, pipeline, *, ...) -> PipelineResult(ir, data)
    prepare_memories(ir, *, top_func=None, internal=False, ...) -> PipelineResult
    lower_to_calyx(ir, *, pipeline=CALYX_PIPELINE, keep_dir=None) -> (futil, data)
    t2c_opt_command(pipeline, input_path) -> list[str]
    check_parses(text, *, source_name="<input>") -> ParseCheck

``pipeline`` is MLIR's textual pipeline, either ``a,b{opt=v}`` or ``builtin.module(a,b)``.
``data`` is the Calyx data JSON (a dict) that ``externalize-globals`` produced, or ``None``.

Passes hand side outputs back as string attributes of the module, which these functions
remove from the IR and return: ``t2c.data`` (the data JSON, from ``externalize-globals``
without ``data-file``) and ``t2c.futil`` (the Calyx program, from
``export-calyx{to-attribute=true}``).
Failures raise :class:`torch2calyx.errors.PassError` carrying MLIR's diagnostics and a repro:
the IR that failed is written to a file and the message gives the ``t2c-opt`` command that
reproduces the failure.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch2calyx.errors import PassError

__all__ = [
    "CALYX_PIPELINE",
    "ParseCheck",
    "PipelineResult",
    "check_parses",
    "lower_to_calyx",
    "prepare_memories",
    "run_pipeline",
    "run_pipeline_with_data",
    "t2c_opt_command",
]


DATA_ATTR = "t2c.data"
FUTIL_ATTR = "t2c.futil"

# Loop-level MLIR -> Calyx. Memories are flattened before the weights are cut out, so the
# data JSON is flat like the memories; floats are legalized before lowering needs primitives.
CALYX_PIPELINE = (
    "flatten-memrefs",
    "externalize-globals",
    "legalize-float-ops",
    "lower-to-calyx",
    "merge-comb-cells",
    "export-calyx{to-attribute=true}",
)


@dataclass(frozen=True)
class PipelineResult:
    """The output of a pass pipeline.

    ``ir`` is the printed module; ``data`` the Calyx data JSON of ``externalize-globals``
    (``{"<memory>": {"data": [...], "format": {...}}}``) or ``None`` when no pass produced one.
    """

    ir: str
    data: dict[str, Any] | None


def _native():
    try:
        from torch2calyx import _passes
    except ImportError as exc:
        raise PassError(
            f"the native pass library torch2calyx._passes cannot be loaded ({exc}); build and "
            "install it with ./ci/setup.sh"
        ) from exc
    return _passes


@dataclass(frozen=True)
class ParseCheck:
    """What the native MLIR parser said about a text: ``ok``, else its ``diagnostics``;
    ``crashed`` when the parser itself died on the text."""

    ok: bool
    diagnostics: str = ""
    crashed: bool = False


#: Parses stdin with the native library in a child process: exit 0 parsed, exit 1 rejected
#: (diagnostics on stdout).
_CHILD_PARSE = (
    "import sys\n"
    "from torch2calyx import _passes\n"
    "text = sys.stdin.buffer.read().decode('utf-8', 'surrogateescape')\n"
    "try:\n"
    "    _passes.run_pipeline(text, '', source_name=sys.argv[1])\n"
    "except _passes.PipelineError as exc:\n"
    "    sys.stdout.write(str(exc))\n"
    "    sys.exit(1)\n"
)

# A dense array whose element type is no integer or float type (array<index: 2, 1>): MLIR's
# parser (22, and torch-mlir's) asks it for its float width and segfaults (issue 19).
_DENSE_ARRAY = re.compile(r"\barray<\s*([^:>\s]+)\s*:")
_INT_OR_FLOAT = re.compile(r"^(?:[su]?i\d+|bf16|tf32|f\d+\w*)$")


def check_parses(text: str, *, source_name: str = "<input>") -> ParseCheck:
    """Parse (and verify) ``text`` with the native library's MLIR parser in a child process,
    so that a parser crash on malformed input is a diagnostic, not a signal in this process.
    Costs about 0.1 s."""
    bad = next((m for m in _DENSE_ARRAY.finditer(text) if not _INT_OR_FLOAT.match(m[1])), None)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return ParseCheck(
            False,
            f"{source_name}:{line}:{col}: error: dense array of element type "
            f"'{bad.group(1).strip()}'; array<T: ...> takes i1, i8, i16, i32, i64, f32 or f64",
        )
    try:
        child = subprocess.run(
            [sys.executable, "-c", _CHILD_PARSE, source_name],
            input=text.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ParseCheck(False, f"(parsing it in a child process failed: {exc})", True)
    if child.returncode == 0:
        return ParseCheck(True)
    said = child.stdout.decode("utf-8", "replace").strip()
    if child.returncode == 1 and said:
        return ParseCheck(False, said.removeprefix("failed to parse MLIR input:").strip())
    try:
        how = signal.Signals(-child.returncode).name
    except ValueError:
        how = f"exit {child.returncode}"
    return ParseCheck(
        False,
        f"MLIR's parser crashed on it ({how}) without a diagnostic; the file holds a construct "
        "the parser does not check (look at recently edited attributes and types)",
        True,
    )


def _anchored(pipeline: str) -> str:
    text = pipeline.strip()
    return text if text.startswith("builtin.module") else f"builtin.module({text})"


def t2c_opt_command(pipeline: str, input_path: str | Path) -> list[str]:
    """Return the ``t2c-opt`` command line that runs ``pipeline`` on ``input_path``."""
    exe = shutil.which("t2c-opt") or str(Path(sys.executable).with_name("t2c-opt"))
    return [exe, f"--pass-pipeline={_anchored(pipeline)}", str(input_path)]


def _fail(exc: Exception, ir: str, pipeline: str, repro_dir: Path | None) -> PassError:
    directory = Path(repro_dir) if repro_dir is not None else Path(tempfile.gettempdir())
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", prefix="t2c-repro-", suffix=".mlir", dir=directory, delete=False
    ) as handle:
        handle.write(ir)
    command = t2c_opt_command(pipeline, handle.name)
    error = PassError(f"{exc}\nreproduce with: {shlex.join(command)}")
    error.diagnostics = str(exc)
    error.repro_path = Path(handle.name)
    error.command = command
    return error


def run_pipeline_with_data(
    ir: str,
    pipeline: str,
    *,
    source_name: str = "<input>",
    repro_dir: str | Path | None = None,
) -> PipelineResult:
    """Parse ``ir``, run ``pipeline`` on it and return the module and its data JSON.

    The data JSON is what ``externalize-globals`` attaches to the module (string attribute
    ``t2c.data``) when it has no ``data-file`` option; it is removed from the returned IR.
    ``source_name`` is the file name MLIR's diagnostics show. On failure, raises
    :class:`PassError` whose message holds every diagnostic (location, severity, message,
    notes) and a ``t2c-opt`` command reproducing it on a copy of ``ir`` written to
    ``repro_dir`` (default: the system temporary directory).
    """
    native = _native()
    try:
        out, data = native.run_pipeline_with_data(ir, pipeline, source_name=source_name)
    except native.PipelineError as exc:
        raise _fail(exc, ir, pipeline, repro_dir) from None
    return PipelineResult(ir=out, data=json.loads(data) if data is not None else None)


def run_pipeline(
    ir: str,
    pipeline: str,
    *,
    source_name: str = "<input>",
    repro_dir: str | Path | None = None,
) -> str:
    """Parse ``ir``, run ``pipeline`` on it and return the resulting MLIR text.

    Same as :func:`run_pipeline_with_data` except that a ``t2c.data`` attribute stays in the
    module.
    """
    native = _native()
    try:
        return native.run_pipeline(ir, pipeline, source_name=source_name)
    except native.PipelineError as exc:
        raise _fail(exc, ir, pipeline, repro_dir) from None


def prepare_memories(
    ir: str,
    *,
    top_func: str | None = None,
    internal: bool = False,
    source_name: str = "<input>",
    repro_dir: str | Path | None = None,
) -> PipelineResult:
    """Run ``flatten-memrefs`` then ``externalize-globals`` on loop-level MLIR.

    The result has only 1-D memories; the weights the top-level function reads are new
    arguments named by ``t2c.name`` (or, with ``internal=True``, ``memref.alloc`` ops marked
    ``t2c.from_data``) and ``data`` holds their values in the Calyx data format (``{}`` when
    the model has no weights). ``top_func`` picks the top-level function (default: the only
    public function, else ``forward``, else ``main``).
    """
    options = []
    if top_func:
        options.append(f"top-func={top_func}")
    if internal:
        options.append("internal=true")
    externalize = "externalize-globals" + (f"{{{' '.join(options)}}}" if options else "")
    result = run_pipeline_with_data(
        ir,
        f"flatten-memrefs,{externalize}",
        source_name=source_name,
        repro_dir=repro_dir,
    )
    return PipelineResult(ir=result.ir, data=result.data if result.data is not None else {})


def lower_to_calyx(
    ir: str,
    *,
    pipeline: Sequence[str] = CALYX_PIPELINE,
    keep_dir: str | Path | None = None,
    source_name: str = "<input>",
) -> tuple[str, dict[str, Any]]:
    """Run the native pipeline from loop-level MLIR to Calyx; return ``(futil, data)``.

    ``pipeline`` lists the passes; ``export-calyx{to-attribute=true}`` is appended when the
    last one is not ``export-calyx`` (a bare ``export-calyx`` gets ``to-attribute=true``), so
    the program comes back as the module attribute ``t2c.futil``. ``data`` is the weights'
    Calyx data JSON (``{}`` without weights). With
    ``keep_dir``, the input (``loops.mlir``), the final IR (``lowered.mlir``) and, on failure,
    the repro file are written there. Raises :class:`PassError` on failure.
    """
    stages = [stage.strip() for stage in pipeline]
    if stages and stages[-1] == "export-calyx":
        stages[-1] = "export-calyx{to-attribute=true}"
    elif not stages or stages[-1].split("{")[0].strip() != "export-calyx":
        stages.append("export-calyx{to-attribute=true}")
    text = ",".join(stages)
    keep = Path(keep_dir) if keep_dir is not None else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / "loops.mlir").write_text(ir)
    native = _native()
    try:
        out, taken = native.run_pipeline_taking(
            ir, text, [DATA_ATTR, FUTIL_ATTR], source_name=source_name
        )
    except native.PipelineError as exc:
        raise _fail(exc, ir, text, keep) from None
    if keep is not None:
        (keep / "lowered.mlir").write_text(out)
    if FUTIL_ATTR not in taken:
        raise PassError(
            f"pass pipeline '{text}' produced no Calyx program: the last pass must attach it "
            f"to the module as the string attribute {FUTIL_ATTR} (use "
            "export-calyx{to-attribute=true})"
        )
    return taken[FUTIL_ATTR], json.loads(taken.get(DATA_ATTR, "{}"))
