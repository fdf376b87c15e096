"""Per-layer profile of a simulated design: where the cycles go, measured.

``design.simulate(*inputs, profile=True)`` (CLI: ``verify MODEL --profile``, ``simulate DIR
--profile``) counts, in the simulation, the cycles in which each PyTorch layer's control is
active. The layers come from the MLIR locations the front end gives every op
(:mod:`torch2calyx.frontend.layers`); ``export-calyx`` writes the layer of each group as the
attribute ``"t2c_layer"=k`` with ``// layer k: NAME`` lines; the builtin backend drives one
activity wire per layer (:mod:`torch2calyx.calyx.activity`); the testbench counts them.

:class:`Profile` holds, per layer, the cycles, the MACs (torch's FLOP counter on the layer's
nodes, FLOPs / 2), cycles per MAC and the share of the total; ``outside`` is the cycles in
which no layer's control ran (sequencing between layers, copies into memory banks). When
layers run in parallel (a ``par`` of two layers' statements), a cycle counts for each, and
``shared`` says how many cycles that was: ``sum(cycles) + outside - (overlap) = total``, exact
when ``shared`` is 0.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from torch2calyx.calyx.activity import activity_net
from torch2calyx.errors import SimulationError

_LAYER_LINE = re.compile(r"^// layer (\d+): (.*)$", re.M)

#: file of the last profile in a design directory (written by the CLI, read by ``report``)
PROFILE_FILE = "profile.json"


def program_layers(futil: str) -> dict[int, str]:
    """The layer numbers and names ``export-calyx`` listed in a program."""
    return {int(k): name.strip() for k, name in _LAYER_LINE.findall(futil)}


def layer_records(futil: str, macs: dict[str, int]) -> list[dict[str, Any]]:
    """``metadata.json``'s ``layers``: ``{"id", "name", "macs"}`` per layer of the program,
    followed by the layers that have MACs but no hardware of their own (folded away)."""
    records = [
        {"id": k, "name": name, "macs": int(macs.get(name, 0))}
        for k, name in sorted(program_layers(futil).items())
    ]
    named = {r["name"] for r in records}
    records += [
        {"id": None, "name": name, "macs": int(n)}
        for name, n in macs.items()
        if n and name not in named
    ]
    return records


def activity_nets(layers: list[dict], interface: str) -> list[str]:
    """The activity nets of the layers with hardware, as paths below the simulated top."""
    if interface == "axi":
        raise SimulationError(
            "profile=True is not supported with the axi interface (its cocotb testbench has "
            "no profile counters); profile the same model compiled with interface='testbench' "
            "or 'memories': the core and its cycles are the same"
        )
    prefix = "core." if interface == "memories" else ""
    nets = [prefix + activity_net(r["id"]) for r in layers if r.get("id") is not None]
    if not nets:
        raise SimulationError(
            "this design has no layer annotations to profile: only a PyTorch model compiled by "
            "this torch2calyx with the builtin backend has them (an .mlir input has no layers)"
        )
    return nets


@dataclass
class LayerProfile:
    """One layer: measured ``cycles`` (its control active), ``alone`` (active while no other
    layer was), ``macs``."""

    name: str
    cycles: int
    macs: int
    alone: int = 0

    @property
    def cycles_per_mac(self) -> float | None:
        return self.cycles / self.macs if self.macs else None


@dataclass
class Profile:
    """The measured profile of one run (see the module docstring)."""

    total: int
    layers: list[LayerProfile] = field(default_factory=list)
    outside: int = 0
    shared: int = 0
    simulator: str = ""

    def share(self, cycles: int) -> float:
        return cycles / self.total if self.total else 0.0

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    def table(self) -> str:
        """The profile as an aligned text table."""
        rows = [("layer", "cycles", "share", "MACs", "cycles/MAC")]
        for layer in self.layers:
            cpm = layer.cycles_per_mac
            rows.append(
                (
                    layer.name,
                    f"{layer.cycles:,}",
                    f"{100 * self.share(layer.cycles):.1f}%",
                    f"{layer.macs:,}",
                    "-" if cpm is None else f"{cpm:.3f}",
                )
            )
        rows.append(
            ("outside any layer", f"{self.outside:,}", f"{100 * self.share(self.outside):.1f}%")
        )
        total_cpm = f"{self.total / self.macs:.3f}" if self.macs else "-"
        rows.append(("total", f"{self.total:,}", "100.0%", f"{self.macs:,}", total_cpm))
        widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(5)]
        lines = []
        for r in rows:
            cells = [r[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=False)
            ]
            lines.append("  ".join(cells).rstrip())
        if self.shared:
            lines.append(
                f"({self.shared:,} cycles ran two or more layers in parallel; they count for "
                "each of them)"
            )
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Profile:
        record = json.loads(text)
        layers = [LayerProfile(**layer) for layer in record.pop("layers", [])]
        return cls(layers=layers, **record)

    def save(self, directory: Path) -> Path:
        """Write ``profile.json`` into ``directory``."""
        path = Path(directory) / PROFILE_FILE
        path.write_text(self.to_json())
        return path


def build_profile(layers: list[dict], counts: Any, total: int, simulator: str) -> Profile:
    """The :class:`Profile` of a run from the testbench's counters (``counts`` a
    :class:`~torch2calyx.sim.LayerCounts` in the order of :func:`activity_nets`)."""
    with_hw = [r for r in layers if r.get("id") is not None]
    entries = [
        LayerProfile(r["name"], counts.active[k], int(r["macs"]), counts.alone[k])
        for k, r in enumerate(with_hw)
    ]
    entries += [LayerProfile(r["name"], 0, int(r["macs"])) for r in layers if r.get("id") is None]
    return Profile(
        total=total, layers=entries, outside=counts.none, shared=counts.shared, simulator=simulator
    )


def expected_cycles(nests: list[dict]) -> int | None:
    """A lower bound of a run's cycles for the progress bar's ETA: the pipelined loop nests'
    iterations times their initiation interval (None without pipelined nests)."""
    total = sum(int(n.get("ii", 1)) * int(n.get("iterations", 0)) for n in nests)
    return total or None
