"""Source-located errors of the Calyx stage, with a caret line under the offending column."""

from __future__ import annotations

from dataclasses import dataclass

from torch2calyx.calyx.ir import Loc
from torch2calyx.errors import CalyxError


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a program: ``severity`` is "error" or "warning"."""

    severity: str
    message: str
    loc: Loc

    def render(self, sources: dict[str, str] | None = None) -> str:
        """``file:line:col: severity: message`` followed by the source line and a caret."""
        head = f"{self.loc}: {self.severity}: {self.message}"
        text = (sources or {}).get(self.loc.file)
        if text is None or self.loc.line <= 0:
            return head
        lines = text.splitlines()
        if self.loc.line > len(lines):
            return head
        src = lines[self.loc.line - 1].rstrip("\n")
        caret = " " * (self.loc.col - 1) + "^"
        return f"{head}\n  {src}\n  {caret}"


class CalyxSyntaxError(CalyxError):
    """A ``.futil`` file does not follow Calyx's syntax."""

    def __init__(self, diagnostic: Diagnostic, sources: dict[str, str] | None = None):
        super().__init__(diagnostic.render(sources))
        self.diagnostic = diagnostic


class CalyxCheckError(CalyxError):
    """Well-formedness checks failed; ``diagnostics`` lists every error found."""

    def __init__(self, diagnostics: list[Diagnostic], sources: dict[str, str] | None = None):
        errors = [d for d in diagnostics if d.severity == "error"]
        text = "\n".join(d.render(sources) for d in errors)
        super().__init__(f"{len(errors)} error(s) in the Calyx program:\n{text}")
        self.diagnostics = diagnostics
