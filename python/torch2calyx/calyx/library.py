"""Loading a Calyx program: follow ``import``s, collect extern primitives, keep sources.

Imports are searched relative to the importing file, then in each library root. The default
root is this project's ``externals/`` folder, so ``import "primitives/core.futil";`` finds
``externals/primitives/core.futil`` exactly as the Calyx compiler finds its own library, and
``import "primitives/float/addFN.futil";`` picks up the IEEE-754 units the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from torch2calyx.calyx import ir
from torch2calyx.calyx.diagnostics import CalyxSyntaxError, Diagnostic
from torch2calyx.calyx.parser import parse_text

_ENV_LIB = "T2C_CALYX_LIB"


def default_lib_root() -> Path:
    """The folder holding ``primitives/``: ``$T2C_CALYX_LIB`` or the project's ``externals/``."""
    env = os.environ.get(_ENV_LIB)
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "externals"
        if (candidate / "primitives" / "core.futil").is_file():
            return candidate
    packaged = here.parent / "externals"
    return packaged


def load_program(
    path: Path | None = None,
    *,
    text: str | None = None,
    lib_dirs: list[Path] | None = None,
) -> ir.Program:
    """Parse a program from ``path`` (or ``text``) with every import it reaches.

    ``lib_dirs`` are searched after the importing file's folder; the default library root is
    always searched last. Raises :class:`CalyxSyntaxError` for syntax errors and missing files.
    """
    roots = [Path(d) for d in (lib_dirs or [])] + [default_lib_root()]
    program = ir.Program()
    seen: set[Path] = set()

    def load(file: Path, source: str, label: str, importer_dir: Path) -> None:
        program.sources[label] = source
        imports, externs, comps = parse_text(source, file=label)
        for imp, loc in imports:
            target = _find_import(imp, importer_dir, roots)
            if target is None:
                searched = ", ".join(str(r) for r in [importer_dir, *roots])
                raise CalyxSyntaxError(
                    Diagnostic(
                        "error",
                        f"cannot find imported file '{imp}' (searched {searched}); "
                        "pass its library folder with --lib",
                        loc,
                    ),
                    program.sources,
                )
            program.imports.append(imp)
            resolved = target.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            load(resolved, resolved.read_text(), str(resolved), resolved.parent)
        for sv, prims in externs:
            sv_path = (importer_dir / sv).resolve()
            for prim in prims:
                prim.source = sv_path
                program.primitives[prim.name] = prim
        for comp in comps:
            if comp.name in program.components:
                raise CalyxSyntaxError(
                    Diagnostic("error", f"component '{comp.name}' is defined twice", comp.loc),
                    program.sources,
                )
            program.components[comp.name] = comp

    if text is None:
        if path is None:
            raise ValueError("load_program needs a path or text")
        try:
            text = Path(path).read_text()
        except OSError as exc:
            raise CalyxSyntaxError(
                Diagnostic("error", f"cannot read {path}: {exc.strerror}", ir.Loc(str(path), 0, 0))
            ) from exc
    label = str(path) if path is not None else "<string>"
    base = Path(path).resolve().parent if path is not None else Path.cwd()
    load(Path(label), text, label, base)
    return program


def _find_import(name: str, importer_dir: Path, roots: list[Path]) -> Path | None:
    for root in [importer_dir, *roots]:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None
