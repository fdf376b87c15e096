"""Names of hardware memories: a PyTorch parameter's name, changed only where Calyx needs it.

The Calyx lowering names each external memory after its global, and the Verilog backend
makes it an instance the testbench reaches by name, so the name must be a Calyx identifier
and neither a Calyx nor a SystemVerilog keyword. The keyword lists live here, free of any
import, so the front end does not load the Calyx compiler; ``test_frontend`` checks that
they cover the Verilog backend's.
"""

from __future__ import annotations

import re

#: Calyx's own keywords.
CALYX_KEYWORDS = frozenset(
    "import extern primitive component cells wires control group comb static seq par if "
    "while with invoke repeat ref".split()
)

#: IEEE 1800-2017 reserved words.
SV_KEYWORDS = frozenset(
    """
accept_on alias always always_comb always_ff always_latch and assert assign assume automatic
before begin bind bins binsof bit break buf bufif0 bufif1 byte case casex casez cell chandle
checker class clocking cmos config const constraint context continue cover covergroup
coverpoint cross deassign default defparam design disable dist do edge else end endcase
endchecker endclass endclocking endconfig endfunction endgenerate endgroup endinterface
endmodule endpackage endprimitive endprogram endproperty endspecify endsequence endtable
endtask enum event eventually expect export extends extern final first_match for force
foreach forever fork forkjoin function generate genvar global highz0 highz1 if iff ifnone
ignore_bins illegal_bins implements implies import incdir include initial inout input inside
instance int integer interconnect interface intersect join join_any join_none large let
liblist library local localparam logic longint macromodule matches medium modport module
nand negedge nettype new nexttime nmos nor noshowcancelled not notif0 notif1 null or output
package packed parameter pmos posedge primitive priority program property protected pull0
pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase
randsequence rcmos real realtime ref reg reject_on release repeat restrict return rnmos
rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime s_until s_until_with
scalared sequence shortint shortreal showcancelled signed small soft solve specify
specparam static string strong strong0 strong1 struct super supply0 supply1 sync_accept_on
sync_reject_on table tagged task this throughout time timeprecision timeunit tran tranif0
tranif1 tri tri0 tri1 triand trior trireg type typedef union unique unique0 unsigned until
until_with untyped use uwire var vectored virtual void wait wait_order wand weak weak0
weak1 while wildcard wire with within wor xnor xor
""".split()
)


def memory_name(pytorch_name: str, used: set[str]) -> str:
    """The Calyx memory name of a parameter, unique among ``used`` (which it extends).

    Only what Calyx identifiers cannot hold changes: characters other than ASCII letters,
    digits and ``_`` become ``_`` (``fc1.weight`` -> ``fc1_weight``), a leading digit gets a
    ``_`` in front (``0.weight`` -> ``_0_weight``), a keyword a ``_`` after (``reg`` ->
    ``reg_``); a name already used gets ``_1``, ``_2``, ...
    """
    base = re.sub(r"[^A-Za-z0-9_]", "_", pytorch_name) or "_"
    if base[0].isdigit():
        base = f"_{base}"
    if base in CALYX_KEYWORDS or base in SV_KEYWORDS:
        base = f"{base}_"
    new, k = base, 1
    while new in used:
        new, k = f"{base}_{k}", k + 1
    used.add(new)
    return new
