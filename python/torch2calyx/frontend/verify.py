"""Checker for loop-level MLIR text (the contract between the front end and the passes)."""

from __future__ import annotations

import re
import subprocess
import sys

from torch_mlir import ir

from torch2calyx.errors import FrontendError
from torch2calyx.frontend import mlir_passes as mp

#: Parses stdin with torch-mlir's parser in a child process: exit 0 parsed; exit 1 rejected,
#: with the parser's diagnostics on stdout.
_CHILD_PARSE = (
    "import sys\n"
    "from torch_mlir import ir\n"
    "text = sys.stdin.buffer.read().decode('utf-8', 'surrogateescape')\n"
    "try:\n"
    "    with ir.Context():\n"
    "        ir.Module.parse(text)\n"
    "except Exception as exc:\n"
    "    sys.stdout.write(str(exc))\n"
    "    sys.exit(1)\n"
)

# what the project's parser says about ops of a dialect it does not register (linalg, tensor)
_UNKNOWN_DIALECT = re.compile(r"Dialect `[^']*' not found|unregistered operation|is unregistered")


def _project_parser_diagnostics(text: str, source: str) -> str | None:
    """None when the project's own MLIR parser (``torch2calyx._passes``, run in a child
    process: MLIR's parser segfaults on some malformed input) accepts ``text``, else its
    diagnostics. Raises FrontendError when the parser crashed."""
    from torch2calyx.passes import check_parses

    checked = check_parses(text, source_name=source)
    if checked.ok:
        return None
    if checked.crashed:
        raise _invalid(source, checked.diagnostics)
    # torch-mlir's style, which the rest of the front end's messages use: file:line:col: msg
    return re.sub(r"(:\d+:\d+): error: ", r"\1: ", checked.diagnostics)


def _invalid(source: str, detail: str) -> FrontendError:
    return FrontendError(f"{source} is not valid MLIR: " + detail.strip().replace("\n", "\n  "))


def check_parsable(text: str, *, source: str = "<string>") -> None:
    """Raise FrontendError unless torch-mlir's parser can parse ``text`` in this process.

    torch-mlir's MLIR parser segfaults on some malformed files (a ``dense_resource`` blob cut
    off inside its string, issue 19), so untrusted text is first parsed by the project's own
    MLIR 22 parser (``torch2calyx._passes``, which reports those cleanly) in a child process
    (it has crashes of its own: ``array<index: ...>``):

    - accepted: the text is well-formed, parse it here;
    - rejected with a syntax or type error: that error (torch-mlir's parser never sees it);
    - rejected only because an op's dialect is not one it registers (linalg, tensor, ...):
      torch-mlir parses the text in a child process; if that succeeds, so will parsing here,
      otherwise its diagnostics (or, if the child died, the project parser's) are the error.
    """
    diagnostics = _project_parser_diagnostics(text, source)
    if diagnostics is None:
        return
    if not _UNKNOWN_DIALECT.search(diagnostics):
        raise _invalid(source, diagnostics)
    try:
        child = subprocess.run(
            [sys.executable, "-c", _CHILD_PARSE],
            input=text.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _invalid(source, f"(parsing it in a child process failed: {exc})") from None
    if child.returncode == 0:
        return
    said = child.stdout.decode("utf-8", "replace").replace('"-":', f"{source}:")
    if child.returncode == 1 and said:
        raise _invalid(source, said)
    raise _invalid(
        source,
        f"torch-mlir's parser crashed on it (exit {child.returncode}); the project's MLIR "
        f"parser says:\n{diagnostics}",
    )


def parse_module(text: str, *, source: str = "<string>") -> ir.Module:
    """Parse MLIR ``text`` in the current torch-mlir context; FrontendError with the location.

    The text is checked by :func:`check_parsable` first, so malformed input is an error, never
    a crash of this process.
    """
    check_parsable(text, source=source)
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
