"""The ``axi`` interface: an AXI4-Lite control block and AXI4-Stream data around the core.

The top ``main`` (written by :func:`torch2calyx.interfaces.make_memories_top` with
``interface="axi"``) holds the core (``main_core``, the Calyx design with its external
memories as ports), the weights in on-chip memories loaded from ``<memory>.hex`` (as in the
``memories`` interface) and the model's input and output memories on chip too. Ports, with
the names Vivado's IP integrator infers interfaces from:

- ``ap_clk``, ``ap_rst_n`` (active low), ``interrupt`` (level, active high);
- ``s_axi_control_*``: AXI4-Lite slave, 32-bit data, 6-bit byte addresses;
- ``s_axis_*``: AXI4-Stream slave (``tdata[31:0]``, ``tvalid``, ``tready``, ``tlast``
  ignored): the input words, every input memory in model order, each word in the low bits;
- ``m_axis_*``: AXI4-Stream master (``tdata[31:0]``, ``tvalid``, ``tready``, ``tlast`` on the
  last word): the output words after a run, every output memory in model order.

Register map (:data:`REGISTERS`)::

    0x00 CTRL    bit 0 ap_start (write 1: start a run; reads 1 until the run is over)
                 bit 1 ap_done  (1 once the outputs are streamed out; cleared by a start)
                 bit 2 ap_idle  (1 when no run is going on)
                 bit 3 inputs_ready (every input word has arrived over s_axis)
    0x04 GIE     bit 0 global interrupt enable
    0x08 IER     bit 0 enable the done interrupt
    0x0C ISR     bit 0 done interrupt status; write 1 to clear
    0x10 CYCLES_LO  cycles of the last run from go to done (low 32 bits)
    0x14 CYCLES_HI  (high 32 bits)
    0x18 IN_WORDS   number of input words one run takes (read only)
    0x1C OUT_WORDS  number of output words one run gives (read only)

A run: stream the IN_WORDS input words to ``s_axis`` (accepted while idle), write 1 to CTRL,
then read OUT_WORDS words from ``m_axis``; ``interrupt`` rises (GIE and IER set) and
CTRL.ap_done is 1 when the last output word has been taken. The memories must be
``seq_mem_d1`` of at most 32 bits (every float32, int32 and smaller model).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from torch2calyx.errors import Torch2CalyxError

if TYPE_CHECKING:
    from torch2calyx.interfaces import MemoryPorts

REGISTERS = {
    "CTRL": 0x00,
    "GIE": 0x04,
    "IER": 0x08,
    "ISR": 0x0C,
    "CYCLES_LO": 0x10,
    "CYCLES_HI": 0x14,
    "IN_WORDS": 0x18,
    "OUT_WORDS": 0x1C,
}


class AxiInterfaceError(Torch2CalyxError):
    stage = "interface"


def _bits(n: int) -> int:
    return max(1, (n - 1).bit_length()) if n > 1 else 1


def describe(memories: list[MemoryPorts]) -> dict:
    """The ``axi`` part of ``interface.json``: registers and the order of the stream words."""
    out = {"registers": {k: hex(v) for k, v in REGISTERS.items()}, "s_axis": [], "m_axis": []}
    for role, key in (("input", "s_axis"), ("output", "m_axis")):
        offset = 0
        for m in (m for m in memories if m.role == role):
            out[key].append({"memory": m.name, "first_word": offset, "words": m.words})
            offset += m.words
    return out


def axi_wrapper(
    top: str,
    core: str,
    top_ports: list[tuple[str, int, str]],
    memories: list[MemoryPorts],
    roles: dict[str, str],
) -> str:
    """SystemVerilog of the ``axi`` top ``top`` around ``core``; see the module docstring."""
    names = {n for _, _, n in top_ports}
    if names != {"go", "clk", "reset", "done"}:
        extra = ", ".join(sorted(names - {"go", "clk", "reset", "done"}))
        raise AxiInterfaceError(
            f"the axi interface needs a '{top}' with only go/clk/reset/done ports; it also has "
            f"{extra}"
        )
    order = list(roles)
    io = sorted((m for m in memories if m.role != "weight"), key=lambda m: order.index(m.name))
    for m in io:
        if m.primitive != "seq_mem_d1" or m.width > 32:
            raise AxiInterfaceError(
                f"memory {m.name} is a {m.primitive} of {m.width}-bit words; the axi interface "
                "streams seq_mem_d1 memories of at most 32 bits"
            )
    inputs = [m for m in io if m.role == "input"]
    outputs = [m for m in io if m.role == "output"]
    if not outputs:
        raise AxiInterfaceError("the model has no output memory to stream out")
    n_in = sum(m.words for m in inputs)
    n_out = sum(m.words for m in outputs)
    ib, ob = _bits(n_in + 1), _bits(n_out + 1)

    L: list[str] = []
    add = L.append
    add(f"// Top of the torch2calyx 'axi' interface: {core} with AXI4-Lite control")
    add("// (s_axi_control), the input words over AXI4-Stream s_axis, the output words over")
    add("// m_axis; registers and stream order in interface.json and torch2calyx/axi.py.")
    add(f"module {top} (")
    ports = [
        "input wire logic ap_clk",
        "input wire logic ap_rst_n",
        "output logic interrupt",
        "input wire logic [5:0] s_axi_control_awaddr",
        "input wire logic s_axi_control_awvalid",
        "output logic s_axi_control_awready",
        "input wire logic [31:0] s_axi_control_wdata",
        "input wire logic [3:0] s_axi_control_wstrb",
        "input wire logic s_axi_control_wvalid",
        "output logic s_axi_control_wready",
        "output logic [1:0] s_axi_control_bresp",
        "output logic s_axi_control_bvalid",
        "input wire logic s_axi_control_bready",
        "input wire logic [5:0] s_axi_control_araddr",
        "input wire logic s_axi_control_arvalid",
        "output logic s_axi_control_arready",
        "output logic [31:0] s_axi_control_rdata",
        "output logic [1:0] s_axi_control_rresp",
        "output logic s_axi_control_rvalid",
        "input wire logic s_axi_control_rready",
        "input wire logic [31:0] s_axis_tdata",
        "input wire logic s_axis_tvalid",
        "output logic s_axis_tready",
        "input wire logic s_axis_tlast",
        "output logic [31:0] m_axis_tdata",
        "output logic m_axis_tvalid",
        "input wire logic m_axis_tready",
        "output logic m_axis_tlast",
    ]
    add(",\n".join(f"  {p}" for p in ports))
    add(");")
    add("  logic clk, reset;")
    add("  assign clk = ap_clk;")
    add("  assign reset = !ap_rst_n;")
    add("  // run state: 0 idle, 1 computing (go held until done), 2..4 streaming the outputs")
    add("  localparam logic [2:0] IDLE = 3'd0, RUN = 3'd1, RD = 3'd2, WAIT = 3'd3, SEND = 3'd4;")
    add("  logic [2:0] state;")
    add("  logic go, done, running;")
    add("  assign running = state == RUN;")
    add("  assign go = running;")
    add(f"  logic [{ib - 1}:0] in_count;")
    add(f"  logic [{ob - 1}:0] out_count;")
    add("  logic [63:0] cycles, cycles_last;")
    add("  logic ap_done, gie, ier, isr;")
    add("  logic [31:0] out_word;")
    add("  logic in_fire;")
    add(f"  assign s_axis_tready = state == IDLE && in_count < {n_in};")
    add("  assign in_fire = s_axis_tvalid && s_axis_tready;")

    # memories: on chip, ports muxed between the core (while running) and the streams
    for m in memories:
        for p in m.ports:
            add(f"  {_decl(p.width)} {p.name};")
        if m.role == "weight":
            continue
        for p in m.ports:
            if p.direction == "output":
                add(f"  {_decl(p.width)} core_{p.name};")
    read_mux = []
    for m in io:
        base = _offset(io, m)
        aw = m.port("addr0").width
        w = m.width
        if m.role == "input":
            sel = f"(in_count >= {base} && in_count < {base + m.words})"
            add(f"  logic [31:0] {m.name}_rel;")
            add(f"  assign {m.name}_rel = in_count - {base};")
            add(
                f"  assign {m.name}_addr0 = running ? core_{m.name}_addr0 : "
                f"{m.name}_rel[{aw - 1}:0];"
            )
            add(
                f"  assign {m.name}_content_en = running ? core_{m.name}_content_en : "
                f"in_fire && {sel};"
            )
            add(
                f"  assign {m.name}_write_en = running ? core_{m.name}_write_en : in_fire && {sel};"
            )
            add(
                f"  assign {m.name}_write_data = running ? core_{m.name}_write_data : "
                f"s_axis_tdata[{w - 1}:0];"
            )
        else:
            sel = f"(out_count >= {base} && out_count < {base + m.words})"
            add(f"  logic [31:0] {m.name}_rel;")
            add(f"  assign {m.name}_rel = out_count - {base};")
            add(
                f"  assign {m.name}_addr0 = running ? core_{m.name}_addr0 : "
                f"{m.name}_rel[{aw - 1}:0];"
            )
            add(
                f"  assign {m.name}_content_en = running ? core_{m.name}_content_en : "
                f"state == RD && {sel};"
            )
            add(f"  assign {m.name}_write_en = running ? core_{m.name}_write_en : 1'b0;")
            add(f"  assign {m.name}_write_data = running ? core_{m.name}_write_data : '0;")
            pad = f"{32 - w}'d0, " if w < 32 else ""
            read_mux.append(f"{sel} ? {{{pad}{m.name}_read_data}}")
    add("  // the output word read in state RD, valid in WAIT")
    add("  logic [31:0] out_read;")
    add("  assign out_read = " + " : ".join(read_mux) + " : '0;")

    for m in memories:
        params = [f".WIDTH({m.width})", f".SIZE({m.sizes[0]})", f".IDX_SIZE({m.idx_sizes[0]})"]
        if len(m.sizes) != 1:
            params = [f".WIDTH({m.width})"]
            params += [f".D{d}_SIZE({s})" for d, s in enumerate(m.sizes)]
            params += [f".D{d}_IDX_SIZE({s})" for d, s in enumerate(m.idx_sizes)]
        if m.init_file:
            params.insert(0, f'.INIT_FILE("{m.init_file}")')
        conns = [".clk(clk)", ".reset(reset)"] + [f".{p.port}({p.name})" for p in m.ports]
        add(f"  t2c_init_{m.primitive} #({', '.join(params)}) {m.name} (")
        add(",\n".join(f"    {c}" for c in conns))
        add("  );")
    conns = [".go(go)", ".clk(clk)", ".reset(reset)", ".done(done)"]
    for m in memories:
        for p in m.ports:
            net = f"core_{p.name}" if m.role != "weight" and p.direction == "output" else p.name
            conns.append(f".{p.name}({net})")
    add(f"  {core} core (")
    add(",\n".join(f"    {c}" for c in conns))
    add("  );")

    # AXI4-Lite: one write and one read at a time
    add("  logic bvalid, rvalid, start_req;")
    add("  logic [31:0] rdata;")
    add("  logic aw_fire;")
    add("  assign aw_fire = s_axi_control_awvalid && s_axi_control_wvalid && !bvalid;")
    add("  assign s_axi_control_awready = aw_fire;")
    add("  assign s_axi_control_wready = aw_fire;")
    add("  assign s_axi_control_bvalid = bvalid;")
    add("  assign s_axi_control_bresp = 2'b00;")
    add("  assign s_axi_control_arready = !rvalid;")
    add("  assign s_axi_control_rvalid = rvalid;")
    add("  assign s_axi_control_rdata = rdata;")
    add("  assign s_axi_control_rresp = 2'b00;")
    add("  assign start_req =")
    add("      aw_fire && s_axi_control_awaddr[5:2] == 4'd0 && s_axi_control_wdata[0];")
    add("  assign interrupt = gie && ier && isr;")
    add("  assign m_axis_tvalid = state == SEND;")
    add("  assign m_axis_tdata = out_word;")
    add(f"  assign m_axis_tlast = out_count == {n_out - 1};")
    add("  always_ff @(posedge clk) begin")
    add("    if (reset) begin")
    add("      bvalid <= 1'b0; rvalid <= 1'b0; rdata <= '0;")
    add("      gie <= 1'b0; ier <= 1'b0; isr <= 1'b0; ap_done <= 1'b0;")
    add("    end else begin")
    add("      if (aw_fire) begin")
    add("        bvalid <= 1'b1;")
    add("        case (s_axi_control_awaddr[5:2])")
    add("          4'd1: gie <= s_axi_control_wdata[0];")
    add("          4'd2: ier <= s_axi_control_wdata[0];")
    add("          4'd3: if (s_axi_control_wdata[0]) isr <= 1'b0;")
    add("          default: ;")
    add("        endcase")
    add("      end else if (s_axi_control_bready) bvalid <= 1'b0;")
    add("      if (s_axi_control_arvalid && !rvalid) begin")
    add("        rvalid <= 1'b1;")
    add("        case (s_axi_control_araddr[5:2])")
    add(
        f"          4'd0: rdata <= {{28'd0, in_count == {n_in}, state == IDLE, ap_done, "
        "state != IDLE};"
    )
    add("          4'd1: rdata <= {31'd0, gie};")
    add("          4'd2: rdata <= {31'd0, ier};")
    add("          4'd3: rdata <= {31'd0, isr};")
    add("          4'd4: rdata <= cycles_last[31:0];")
    add("          4'd5: rdata <= cycles_last[63:32];")
    add(f"          4'd6: rdata <= 32'd{n_in};")
    add(f"          4'd7: rdata <= 32'd{n_out};")
    add("          default: rdata <= '0;")
    add("        endcase")
    add("      end else if (s_axi_control_rready) rvalid <= 1'b0;")
    add("      if (start_req && state == IDLE) ap_done <= 1'b0;")
    add(f"      if (state == SEND && m_axis_tready && out_count == {n_out - 1}) begin")
    add("        ap_done <= 1'b1;")
    add("        isr <= 1'b1;")
    add("      end")
    add("    end")
    add("  end")
    add("  always_ff @(posedge clk) begin")
    add("    if (reset) begin")
    add("      state <= IDLE; in_count <= '0; out_count <= '0; cycles <= '0; cycles_last <= '0;")
    add("      out_word <= '0;")
    add("    end else begin")
    add("      case (state)")
    add("        IDLE: begin")
    add("          if (in_fire) in_count <= in_count + 1'b1;")
    add("          if (start_req) begin state <= RUN; cycles <= '0; end")
    add("        end")
    add("        RUN: begin")
    add("          cycles <= cycles + 1'b1;")
    add("          if (done) begin")
    add("            cycles_last <= cycles + 1'b1;")
    add("            state <= RD;")
    add("            out_count <= '0;")
    add("          end")
    add("        end")
    add("        RD: state <= WAIT;")
    add("        WAIT: begin out_word <= out_read; state <= SEND; end")
    add("        SEND: if (m_axis_tready) begin")
    add(f"          if (out_count == {n_out - 1}) begin state <= IDLE; in_count <= '0; end")
    add("          else begin out_count <= out_count + 1'b1; state <= RD; end")
    add("        end")
    add("        default: state <= IDLE;")
    add("      endcase")
    add("    end")
    add("  end")
    add("endmodule")
    return "\n".join(L) + "\n"


def _offset(io: list[MemoryPorts], mem: MemoryPorts) -> int:
    offset = 0
    for m in io:
        if m.name == mem.name:
            return offset
        if m.role == mem.role:
            offset += m.words
    raise KeyError(mem.name)


def _decl(width: int) -> str:
    return "logic" if width == 1 else f"logic [{width - 1}:0]"
