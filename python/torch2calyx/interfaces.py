"""Interfaces of the generated top: a wrapper stage after the Calyx compiler.

The Calyx compiler turns ``program.futil`` into ``design.sv`` whose top ``main`` has only
``go``/``clk``/``reset``/``done``: every ``@external`` memory (model inputs, outputs and
weights) is an instance inside it, which the simulation testbench fills through hierarchical
``$readmemh``. That is the ``"testbench"`` interface. This module rewrites that file for the
other interfaces; it never touches the lowering:

``"memories"``
    1. *externalize* (what Calyx's ``externalize`` pass does, here on the generated
       SystemVerilog): ``main`` is renamed ``main_core`` and each ``@external`` memory
       instance is removed from it; the nets that connected the instance become ports of the
       core named ``<memory>_<port>``, with the directions flipped (``addr0``, ``write_data``,
       ``write_en``, ``content_en`` out; ``read_data``, ``done`` in);
    2. *wrap*: a new top ``main`` instantiates the core; the ports of the model's input and
       output memories are ports of ``main``; each weight memory becomes an on-chip memory
       of the same primitive (``t2c_init_seq_mem_d1`` for ``seq_mem_d1``, ...) whose storage
       is initialized with ``$readmemh`` from ``<memory>.hex`` in the design directory, so a
       flat synthesis keeps the weights and everything that reads them.

    The external memories follow the protocol of the primitive they replace
    (``externals/primitives/memories``): for ``seq_mem_d*`` a read starts when
    ``content_en`` is high and ``write_en`` low and ``read_data`` holds the word from the next
    cycle; a write when both are high; ``done`` is high the cycle after ``content_en``. For
    ``comb_mem_d*`` ``read_data`` is combinational from ``addr*`` and a write happens at the
    clock edge when ``write_en`` is high, ``done`` the cycle after. ``interface.json`` in the
    design directory lists every memory with its ports, widths and sizes.

``"axi"``
    the same core and on-chip weights; the input and output memories are on chip too, and
    the top has an AXI4-Lite control block and AXI4-Stream data ports (:mod:`torch2calyx.axi`
    has the register map).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch2calyx.errors import Torch2CalyxError

INTERFACES = ("testbench", "memories", "axi")

#: Ports of the memory primitives that the memory drives (all others are driven by the design).
MEMORY_OUTPUTS = ("read_data", "done")

_MODULE = r"^module\s+{name}\b.*?^endmodule\b[^\n]*\n?"
_EXTERNAL = re.compile(
    r"^[ \t]*// @external\n"
    r"[ \t]*(?P<kind>(?:comb|seq)_mem_d(?P<dims>\d))\s*"
    r"#\s*\((?P<params>(?:[^()]|\([^()]*\))*)\)\s*"
    r"(?P<name>\w+)\s*\(\n(?P<conns>.*?)^[ \t]*\);\n\n?",
    re.M | re.S,
)
_CONN = re.compile(r"^\s*\.(\w+)\((.*?)\),?\s*$", re.M)
_DECL = re.compile(r"^[ \t]*logic(?:\s*\[(\d+):0\])?\s+(\w+);[^\n]*\n", re.M)
_HEADER = re.compile(r"^module\s+(\w+)\s*\((?P<ports>.*?)\);\n", re.M | re.S)
_PORT = re.compile(
    r"^\s*(?P<dir>input|output)\s+(?:wire\s+)?logic(?:\s*\[(?P<msb>\d+):0\])?\s+(?P<name>\w+),?\s*$",
    re.M,
)


class InterfaceError(Torch2CalyxError):
    """The generated design cannot be given the requested interface."""

    stage = "interface"


def check_interface(interface: Any) -> str:
    """``interface`` as a valid interface name, or a clear error."""
    if interface not in INTERFACES:
        raise InterfaceError(
            f"interface={interface!r}: choose one of {', '.join(repr(i) for i in INTERFACES)}"
        )
    return interface


@dataclass(frozen=True)
class Port:
    """One top-level port of a memory: ``name`` = ``<memory>_<port>``; ``direction`` is seen
    from the design (``output`` = the design drives it)."""

    name: str
    port: str
    direction: str
    width: int


@dataclass(frozen=True)
class MemoryPorts:
    """One external memory of the core and how the top exposes or holds it."""

    name: str
    role: str  # "input" | "output" | "weight"
    primitive: str  # "seq_mem_d1", "comb_mem_d2", ...
    width: int
    sizes: tuple[int, ...]
    idx_sizes: tuple[int, ...]
    ports: tuple[Port, ...]
    init_file: str | None = None  # weights: the $readmemh file, relative to the design dir

    @property
    def sequential(self) -> bool:
        return self.primitive.startswith("seq_mem")

    @property
    def words(self) -> int:
        total = 1
        for s in self.sizes:
            total *= s
        return total

    def port(self, name: str) -> Port:
        for p in self.ports:
            if p.port == name:
                return p
        raise KeyError(name)

    def to_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "primitive": self.primitive,
            "width": self.width,
            "sizes": list(self.sizes),
            "idx_sizes": list(self.idx_sizes),
            "words": self.words,
            "init_file": self.init_file,
            "ports": [
                {"name": p.name, "port": p.port, "direction": p.direction, "width": p.width}
                for p in self.ports
            ],
        }

    @classmethod
    def from_record(cls, r: dict[str, Any]) -> MemoryPorts:
        return cls(
            name=r["name"],
            role=r["role"],
            primitive=r["primitive"],
            width=int(r["width"]),
            sizes=tuple(int(s) for s in r["sizes"]),
            idx_sizes=tuple(int(s) for s in r["idx_sizes"]),
            ports=tuple(
                Port(p["name"], p["port"], p["direction"], int(p["width"])) for p in r["ports"]
            ),
            init_file=r.get("init_file"),
        )


def read_interface(design_dir: Path) -> list[MemoryPorts]:
    """The memories of ``interface.json`` in a design directory."""
    path = Path(design_dir) / "interface.json"
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise InterfaceError(
            f"{path}: cannot read the interface description ({exc}); recompile the design"
        ) from exc
    return [MemoryPorts.from_record(m) for m in record["memories"]]


def _module_block(text: str, name: str) -> re.Match[str]:
    m = re.search(_MODULE.format(name=re.escape(name)), text, re.M | re.S)
    if m is None:
        raise InterfaceError(f"the design has no module '{name}'")
    return m


def _params(text: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"\.(\w+)\((\d+)\)", text)}


def _decl(width: int) -> str:
    return "logic" if width == 1 else f"logic [{width - 1}:0]"


def externalize(verilog: str, *, top: str = "main", core: str) -> tuple[str, list[dict]]:
    """Module ``top`` of ``verilog`` renamed ``core``, its ``@external`` memory instances
    removed and their connections turned into ports ``<memory>_<port>``.

    Returns the new module text and, per memory, ``{"name", "primitive", "params", "ports":
    [(port, direction, width)]}`` (direction seen from the core).
    """
    block = _module_block(verilog, top).group(0)
    header = _HEADER.match(block)
    assert header is not None
    body = block[header.end() :]
    widths = {name: int(msb) + 1 if msb else 1 for msb, name in _DECL.findall(body)}
    ports = [
        (p.group("dir"), int(p.group("msb")) + 1 if p.group("msb") else 1, p.group("name"))
        for p in _PORT.finditer(header.group("ports"))
    ]
    clk = next((n for d, _, n in ports if n == "clk"), "clk")
    reset = next((n for d, _, n in ports if n == "reset"), "reset")
    memories: list[dict] = []
    drop_decls: set[str] = set()
    assigns: list[str] = []
    for inst in _EXTERNAL.finditer(body):
        name = inst.group("name")
        mem_ports = []
        for port, expr in _CONN.findall(inst.group("conns")):
            expr = expr.strip()
            if port in ("clk", "reset"):
                if expr != (clk if port == "clk" else reset):
                    raise InterfaceError(
                        f"external memory '{name}': its {port} is driven by '{expr}', not the "
                        f"component's {port}; such a memory cannot be moved out of '{top}'"
                    )
                continue
            if expr not in widths:
                raise InterfaceError(
                    f"external memory '{name}': port {port} is connected to '{expr}', which "
                    "is not a net of the design"
                )
            direction = "input" if port in MEMORY_OUTPUTS else "output"
            port_name = f"{name}_{port}"
            width = widths[expr]
            if expr == port_name:
                drop_decls.add(expr)
            elif direction == "output":
                assigns.append(f"  assign {port_name} = {expr};\n")
            else:
                assigns.append(f"  assign {expr} = {port_name};\n")
            mem_ports.append((port, direction, width))
        memories.append(
            {
                "name": name,
                "primitive": inst.group("kind"),
                "params": _params(inst.group("params")),
                "ports": mem_ports,
            }
        )
    if not memories:
        return block.replace(f"module {top}", f"module {core}", 1), []
    body = _EXTERNAL.sub("", body)
    body = _DECL.sub(lambda m: "" if m.group(2) in drop_decls else m.group(0), body)
    new_ports = [f"  {d} {_port_decl(d, w)} {n}" for d, w, n in ports]
    for mem in memories:
        for port, direction, width in mem["ports"]:
            new_ports.append(f"  {direction} {_port_decl(direction, width)} {mem['name']}_{port}")
    end = body.rfind("endmodule")
    body = body[:end] + "".join(assigns) + body[end:]
    return f"module {core} (\n" + ",\n".join(new_ports) + "\n);\n" + body, memories


def _port_decl(direction: str, width: int) -> str:
    return ("wire " if direction == "input" else "") + _decl(width)


def init_module(verilog: str, primitive: str) -> str:
    """A copy of memory primitive ``primitive`` (its module in ``verilog``) named
    ``t2c_init_<primitive>`` whose storage ``mem`` is loaded from ``INIT_FILE``."""
    block = _module_block(verilog, primitive).group(0)
    if not re.search(r"^\s*logic\s*\[[^\]]*\]\s*mem\s*\[", block, re.M):
        raise InterfaceError(
            f"memory primitive {primitive} has no storage array 'mem' to initialize"
        )
    name = f"t2c_init_{primitive}"
    out = re.sub(
        rf"^module\s+{primitive}\s*#\s*\(",
        f'module {name} #(\n  parameter INIT_FILE = "",',
        block,
        count=1,
        flags=re.M,
    )
    end = out.rfind("endmodule")
    comment = (
        f"// {primitive} whose words are loaded from INIT_FILE ($readmemh, one hex word per "
        "line,\n// row-major): on-chip weights of the torch2calyx 'memories' interface.\n"
    )
    init = '  initial begin\n    if (INIT_FILE != "") $readmemh(INIT_FILE, mem);\n  end\n'
    return comment + out[:end] + init + out[end:]


def make_memories_top(
    verilog: str, roles: dict[str, str], *, top: str = "main", interface: str = "memories"
) -> tuple[str, list[MemoryPorts]]:
    """``verilog`` (a torch2calyx ``design.sv``) with the ``memories`` interface: see the
    module docstring. ``roles`` maps each memory to ``input``, ``output`` or ``weight``."""
    defined = set(re.findall(r"^\s*module\s+(\w+)", verilog, re.M))
    core = f"{top}_core"
    while core in defined:
        core += "_"
    original = _module_block(verilog, top)
    core_text, found = externalize(verilog, top=top, core=core)
    header = _HEADER.match(original.group(0))
    assert header is not None
    top_ports = [
        (p.group("dir"), int(p.group("msb")) + 1 if p.group("msb") else 1, p.group("name"))
        for p in _PORT.finditer(header.group("ports"))
    ]
    unknown = [m["name"] for m in found if m["name"] not in roles]
    if unknown:
        raise InterfaceError(
            f"external memories {', '.join(unknown)} of '{top}' are not in the design's "
            "metadata (no input, output or weight role)"
        )
    memories: list[MemoryPorts] = []
    for m in found:
        params = m["params"]
        dims = int(m["primitive"][-1])
        if dims == 1:
            sizes, idx = (params["SIZE"],), (params["IDX_SIZE"],)
        else:
            sizes = tuple(params[f"D{d}_SIZE"] for d in range(dims))
            idx = tuple(params[f"D{d}_IDX_SIZE"] for d in range(dims))
        role = roles[m["name"]]
        memories.append(
            MemoryPorts(
                name=m["name"],
                role=role,
                primitive=m["primitive"],
                width=params["WIDTH"],
                sizes=sizes,
                idx_sizes=idx,
                ports=tuple(Port(f"{m['name']}_{p}", p, d, w) for p, d, w in m["ports"]),
                init_file=f"{m['name']}.hex" if role == "weight" else None,
            )
        )
    if interface == "axi":
        from torch2calyx.axi import axi_wrapper

        wrapper = axi_wrapper(top, core, top_ports, memories, roles)
        inits = sorted({m.primitive for m in memories})
        extra = "".join("\n" + init_module(verilog, p) for p in inits)
        new = (
            verilog[: original.start()]
            + core_text
            + "\n"
            + wrapper
            + extra
            + verilog[original.end() :]
        )
        return new, memories

    lines = [
        f"// Top of the torch2calyx 'memories' interface: {core} (the Calyx design, its",
        "// external memories turned into ports) with the model's input and output memories as",
        "// ports <memory>_<port> (Calyx's convention) and the weights in on-chip memories",
        "// loaded from <memory>.hex.",
        f"module {top} (",
    ]
    decls = [f"  {d} {_port_decl(d, w)} {n}" for d, w, n in top_ports]
    for mem in memories:
        if mem.role == "weight":
            continue
        for p in mem.ports:
            decls.append(f"  {p.direction} {_port_decl(p.direction, p.width)} {p.name}")
    lines.append(",\n".join(decls))
    lines.append(");")
    clk = "clk"
    reset = "reset"
    for mem in memories:
        if mem.role != "weight":
            continue
        for p in mem.ports:
            lines.append(f"  {_decl(p.width)} {p.name};")
        params = [f'.INIT_FILE("{mem.init_file}")', f".WIDTH({mem.width})"]
        if len(mem.sizes) == 1:
            params += [f".SIZE({mem.sizes[0]})", f".IDX_SIZE({mem.idx_sizes[0]})"]
        else:
            params += [f".D{d}_SIZE({s})" for d, s in enumerate(mem.sizes)]
            params += [f".D{d}_IDX_SIZE({s})" for d, s in enumerate(mem.idx_sizes)]
        conns = [f".clk({clk})", f".reset({reset})"] + [f".{p.port}({p.name})" for p in mem.ports]
        lines.append(f"  t2c_init_{mem.primitive} #({', '.join(params)}) {mem.name} (")
        lines.append(",\n".join(f"    {c}" for c in conns))
        lines.append("  );")
    conns = [f".{n}({n})" for _, _, n in top_ports]
    conns += [f".{p.name}({p.name})" for mem in memories for p in mem.ports]
    lines.append(f"  {core} core (")
    lines.append(",\n".join(f"    {c}" for c in conns))
    lines.append("  );")
    lines.append("endmodule")
    wrapper = "\n".join(lines) + "\n"

    inits = sorted({m.primitive for m in memories if m.role == "weight"})
    extra = "".join("\n" + init_module(verilog, p) for p in inits)
    new = (
        verilog[: original.start()] + core_text + "\n" + wrapper + extra + verilog[original.end() :]
    )
    return new, memories


def apply(design_dir: Path, interface: str, roles: dict[str, str], *, top: str = "main") -> None:
    """Give the design in ``design_dir`` (``design.sv``, ``data.json``) the ``interface``:
    rewrites ``design.sv`` and writes ``interface.json`` (and the weights' ``.hex`` files)."""
    check_interface(interface)
    if interface == "testbench":
        return
    from torch2calyx.sim.data import parse_data

    design_dir = Path(design_dir)
    verilog = design_dir / "design.sv"
    text, memories = make_memories_top(verilog.read_text(), roles, top=top, interface=interface)
    data = json.loads((design_dir / "data.json").read_text())
    for mem in memories:
        if mem.init_file is None:
            continue
        if mem.name not in data:
            raise InterfaceError(f"weight memory {mem.name} has no entry in data.json")
        (encoded,) = parse_data({mem.name: data[mem.name]})
        if len(encoded.words) != mem.words:
            raise InterfaceError(
                f"weight memory {mem.name} holds {mem.words} words in the design but "
                f"data.json gives {len(encoded.words)}"
            )
        (design_dir / mem.init_file).write_text(encoded.to_hex())
    verilog.write_text(text)
    record = {
        "interface": interface,
        "top": top,
        "convention": (
            "ports <memory>_<port> of the memory primitive (externals/primitives/memories); "
            "direction as seen from the design: 'output' ports are driven by the design"
        ),
        "memories": [m.to_record() for m in memories],
    }
    if interface == "axi":
        from torch2calyx.axi import describe

        record["axi"] = describe(memories)
    (design_dir / "interface.json").write_text(json.dumps(record, indent=2) + "\n")
