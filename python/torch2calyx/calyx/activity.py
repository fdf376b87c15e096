"""Per-layer activity nets of the builtin backend, read by the simulator's profile.

Groups that ``export-calyx`` annotated with ``"t2c_layer"=k`` belong to PyTorch layer ``k``.
A control statement belongs to layer ``k`` when every group it enables (including the
``with`` groups of its conditions) does. The backend drives one wire per layer,
``t2c_layer<k>_active``, high in every cycle in which a maximal statement of that layer runs:
the ``go`` of a dynamic statement (high from its first cycle up to and including its done
cycle) or the counter slot of a static one. So a cycle counts once per layer however many of
its groups (pipeline stages, lanes in ``par``) are active, loop overhead (condition and
increment cycles) counts for the loop's layer, and a cycle no layer's statement covers (the
top-level sequencing between layers, unannotated groups) counts for none. The wires drive
nothing; synthesis removes them.
"""

from __future__ import annotations

from torch2calyx.calyx import ir
from torch2calyx.calyx.rtl import ONE, e_or

#: The group attribute export-calyx writes.
LAYER_ATTR = "t2c_layer"


def activity_net(layer: int) -> str:
    """The name of the activity wire of layer number ``layer``."""
    return f"t2c_layer{layer}_active"


class LayerActivity:
    """Mixin of :class:`~torch2calyx.calyx.backend.ComponentBackend`."""

    def init_activity(self) -> None:
        self.layer_terms: dict[int, list[str]] = {}
        self.layer_owner: int | None = None
        self._layer_sets: dict[int, frozenset] = {}

    def layers_in(self, c: ir.Control) -> frozenset:
        """The layers of the groups ``c`` enables (None for a group without one)."""
        key = id(c)
        found = self._layer_sets.get(key)
        if found is not None:
            return found
        groups: list[str] = []
        children: list[ir.Control] = []
        if isinstance(c, ir.Enable):
            groups.append(c.group)
        elif isinstance(c, ir.Seq | ir.Par):
            children = list(c.stmts)
        elif isinstance(c, ir.If):
            children = [c.tbranch, c.fbranch]
            groups += [c.cond] if c.cond else []
        elif isinstance(c, ir.While):
            children = [c.body]
            groups += [c.cond] if c.cond else []
        elif isinstance(c, ir.Repeat):
            children = [c.body]
        layers: set = set()
        for name in groups:
            group = self.comp.groups.get(name)
            layers.add(group.attrs.get(LAYER_ATTR) if group is not None else None)
        for child in children:
            layers |= self.layers_in(child)
        found = frozenset(layers)
        self._layer_sets[key] = found
        return found

    def enter_layer(self, c: ir.Control, active: str) -> int | None:
        """Note that ``c`` runs while ``active``; returns the owner to restore afterwards."""
        saved = self.layer_owner
        if saved is None:
            layers = self.layers_in(c)
            if len(layers) == 1:
                (layer,) = layers
                if layer is not None:
                    self.layer_terms.setdefault(layer, []).append(active)
                    self.layer_owner = layer
        return saved

    def finish_activity(self) -> None:
        """Drive the activity wire of every layer seen."""
        for layer in sorted(self.layer_terms):
            net = self.new_net(activity_net(layer), 1, "profile: the layer's control is active")
            self.drive(net, ONE, e_or(*self.layer_terms[layer]))
        self.layer_terms = {}
