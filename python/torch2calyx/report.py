"""``torch2calyx report DIR``: one self-contained ``report.html`` for a design directory.

The page holds the model summary (source, memories, total cycles and MACs), the per-layer
profile as a table and an inline SVG bar chart (:mod:`torch2calyx.profile`; measured by a
profiling simulation, ``profile.json``), the resources of the synthesis runs recorded in the
directory (``synth-<fpga>.json``, written by ``torch2calyx synth``), the options of the compile
(``metadata.json``) and, when sibling directories hold other designs of the same model (a
lanes or precision sweep) with both a profile and a synthesis result, their cycles against
LUTs. No network access: styles, the charts (SVG) and the one script (sorting the table by a
column) are inline.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from torch2calyx.profile import PROFILE_FILE, Profile

REPORT_FILE = "report.html"
_BAR = "#3b6fd6"
_STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #eee; cursor: pointer; }
td:first-child, th:first-child { text-align: left; }
.note { color: #555; font-size: 0.9em; }
"""
_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (r) {
        var t = r.cells[col].textContent.replace(/[,%]/g, "");
        var v = parseFloat(t);
        return isNaN(v) ? t : v;
      };
      rows.sort(function (a, b) { var x = key(a), y = key(b); return x < y ? 1 : x > y ? -1 : 0; });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[Any]], *, css: str = "", ident: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    attrs = (f' class="{css}"' if css else "") + (f' id="{ident}"' if ident else "")
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bar_chart(items: list[tuple[str, int]], total: int) -> str:
    """Horizontal bars: each layer's cycles as a share of the total."""
    row, label_w, bar_w = 22, 220, 460
    height = row * len(items) + 10
    parts = [
        f'<svg id="layer-chart" xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}"'
        f' height="{height}" role="img" aria-label="cycles per layer">'
    ]
    for k, (name, cycles) in enumerate(items):
        y = 5 + k * row
        share = cycles / total if total else 0.0
        width = max(1.0, bar_w * share) if cycles else 0.0
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="13">'
            f"{_e(name)}</text>"
            f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{width:.1f}" height="{row - 6}"'
            f' fill="{_BAR}"><title>{_e(name)}: {cycles:,} cycles</title></rect>'
            f'<text x="{label_w + width + 5:.1f}" y="{y + 15}" font-size="12">'
            f"{100 * share:.1f}%</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _scatter(points: list[tuple[str, float, float]]) -> str:
    """Cycles (y) against LUTs (x), one labelled dot per design."""
    w, h, pad = 560, 320, 60
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    x0, x1 = 0.0, max(xs) * 1.1
    y0, y1 = 0.0, max(ys) * 1.1

    def px(x: float) -> float:
        return pad + (w - 2 * pad) * (x - x0) / (x1 - x0 or 1)

    def py(y: float) -> float:
        return h - pad + (2 * pad - h) * (y - y0) / (y1 - y0 or 1)

    parts = [
        f'<svg id="sweep-chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">',
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#444"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="#444"/>',
        f'<text x="{w / 2}" y="{h - 15}" text-anchor="middle" font-size="13">LUTs</text>',
        f'<text x="15" y="{h / 2}" font-size="13" transform="rotate(-90 15 {h / 2})" '
        'text-anchor="middle">cycles</text>',
        f'<text x="{pad}" y="{h - pad + 15}" font-size="11">0</text>',
        f'<text x="{w - pad}" y="{h - pad + 15}" font-size="11" text-anchor="end">{x1:,.0f}</text>',
        f'<text x="{pad - 4}" y="{pad}" font-size="11" text-anchor="end">{y1:,.0f}</text>',
    ]
    for label, x, y in points:
        parts.append(
            f'<circle class="point" cx="{px(x):.1f}" cy="{py(y):.1f}" r="5" fill="{_BAR}">'
            f"<title>{_e(label)}: {x:,.0f} LUTs, {y:,.0f} cycles</title></circle>"
            f'<text x="{px(x) + 8:.1f}" y="{py(y) - 6:.1f}" font-size="11">{_e(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _synth_results(directory: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(directory.glob("synth-*.json")):
        try:
            found[path.stem.removeprefix("synth-")] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    return found


def _luts(synth: dict[str, dict]) -> float | None:
    for fpga, record in synth.items():
        value = record.get("lut" if fpga == "xc7" else "lut4")
        if isinstance(value, int | float):
            return float(value)
    return None


def _load_profile(directory: Path) -> Profile | None:
    path = directory / PROFILE_FILE
    if not path.is_file():
        return None
    try:
        return Profile.from_json(path.read_text())
    except (ValueError, TypeError, KeyError):
        return None


def _model_key(meta: dict) -> tuple:
    """What identifies the model of a design across lanes and precision: its source name and
    its layers with their MACs."""
    layers = tuple((r.get("name"), r.get("macs")) for r in meta.get("layers", []))
    return meta.get("source"), layers


def sweep_points(directory: Path) -> list[tuple[str, float, float]]:
    """(label, LUTs, cycles) of every design next to ``directory`` (itself included) of the
    same model (:func:`_model_key`) that has a profile and a synthesis result."""
    try:
        key = _model_key(json.loads((directory / "metadata.json").read_text()))
    except (OSError, ValueError):
        return []
    points = []
    for meta_path in sorted(directory.parent.glob("*/metadata.json")):
        other = meta_path.parent
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            continue
        if _model_key(meta) != key:
            continue
        prof, luts = _load_profile(other), _luts(_synth_results(other))
        if prof is None or luts is None:
            continue
        label = f"{other.name} ({meta.get('lanes', 1)} lanes, {meta.get('precision', 'f32')})"
        points.append((label, luts, float(prof.total)))
    return points


def render(directory: Path, metadata: Any, profile: Profile | None) -> str:
    """The report's HTML text."""
    title = f"torch2calyx report: {metadata.source or directory.name}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        "<h2>Model</h2>",
    ]
    mems = [
        [m.name, m.role, "x".join(map(str, m.shape)) or "scalar", m.dtype, m.pytorch_name or ""]
        for m in metadata.memories
    ]
    summary = [
        ["source", metadata.source],
        ["design directory", directory.name],
        ["top / interface", f"{metadata.top} / {metadata.interface}"],
    ]
    if profile is not None:
        summary += [
            ["cycles (go to done)", f"{profile.total:,}"],
            ["MACs", f"{profile.macs:,}"],
            ["cycles per MAC", f"{profile.total / profile.macs:.3f}" if profile.macs else "-"],
            ["simulator", profile.simulator],
        ]
    out.append(_table(["", "value"], summary, ident="summary"))
    out.append(_table(["memory", "role", "shape", "dtype", "PyTorch name"], mems))

    out.append("<h2>Cycles per layer</h2>")
    if profile is None:
        out.append(
            '<p class="note">No profile: run <code>torch2calyx simulate DIR --profile</code> '
            "(or <code>verify MODEL -o DIR --profile</code>) and rerun the report.</p>"
        )
    else:
        rows = []
        for layer in profile.layers:
            cpm = layer.cycles_per_mac
            rows.append(
                [
                    layer.name,
                    f"{layer.cycles:,}",
                    f"{100 * profile.share(layer.cycles):.1f}%",
                    f"{layer.macs:,}",
                    "-" if cpm is None else f"{cpm:.3f}",
                ]
            )
        rows.append(
            [
                "outside any layer",
                f"{profile.outside:,}",
                f"{100 * profile.share(profile.outside):.1f}%",
                "0",
                "-",
            ]
        )
        header = ["layer", "cycles", "share", "MACs", "cycles/MAC"]
        out.append(_table(header, rows, css="sortable", ident="layers"))
        items = [(layer.name, layer.cycles) for layer in profile.layers]
        out.append(_bar_chart(items + [("outside any layer", profile.outside)], profile.total))
        note = (
            "Cycles are measured in simulation: a layer's cycles are those in which its "
            "control (any of its groups, loop conditions and increments) is active."
        )
        if profile.shared:
            note += (
                f" {profile.shared:,} cycles ran two or more layers in parallel and count for "
                "each of them."
            )
        out.append(f'<p class="note">{_e(note)}</p>')

    out.append("<h2>Resources</h2>")
    synth = _synth_results(directory)
    if not synth:
        out.append(
            '<p class="note">No synthesis run recorded: <code>torch2calyx synth DIR --fpga '
            "xc7</code> (estimate) or <code>--fpga ecp5-85k</code> (place and route).</p>"
        )
    for fpga, record in synth.items():
        keys = [k for k, v in record.items() if isinstance(v, int | float | str) and v != ""]
        out.append(f"<h3>{_e(fpga)}</h3>")
        out.append(_table(["resource", "value"], [[k, record[k]] for k in keys]))
    if synth:
        out.append(
            '<p class="note">Totals of the flattened design (the synthesis flattens the '
            "hierarchy, so there is no per-component split).</p>"
        )

    out.append("<h2>Options</h2>")
    options = [
        ["lanes", metadata.lanes],
        ["precision", getattr(metadata, "precision", "f32")],
        ["interface", metadata.interface],
        ["pipelined loop nests", len(metadata.nests)],
    ]
    options += [[f"{stage} (s)", seconds] for stage, seconds in metadata.stage_seconds.items()]
    out.append(_table(["option", "value"], options, ident="options"))
    if metadata.nests:
        nests = [[n["nest"], n["ii"], n["iterations"], n.get("lanes", 1)] for n in metadata.nests]
        out.append(_table(["nest", "II", "iterations", "lanes"], nests))

    points = sweep_points(directory)
    if len(points) >= 2:
        out.append("<h2>Designs of this model: cycles against LUTs</h2>")
        out.append(_scatter(points))
        out.append(
            _table(
                ["design", "LUTs", "cycles"],
                [[p[0], f"{p[1]:,.0f}", f"{p[2]:,.0f}"] for p in points],
            )
        )
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"


def write_report(directory: Path, *, profile: Profile | None = None) -> Path:
    """Write ``report.html`` into the design directory ``directory`` (``profile`` defaults to
    the directory's ``profile.json``); returns its path."""
    from torch2calyx.design import Design

    design = Design.load(directory)
    if profile is None:
        profile = _load_profile(design.out_dir)
    text = render(design.out_dir, design.metadata, profile)
    path = design.out_dir / REPORT_FILE
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return path
