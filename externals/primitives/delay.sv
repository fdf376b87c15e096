// pipelined_delay: `out` is `in` as it was DEPTH clock edges earlier (DEPTH >= 1). Shifts on
// every edge; `reset` is unused (no reset, so that synthesis may map the stages to
// shift-register LUTs). The stages are one packed vector, newest in the low WIDTH bits.
module pipelined_delay #(
    parameter int WIDTH = 32,
    parameter int DEPTH = 1
) (
    input  logic             clk,
    /* verilator lint_off UNUSEDSIGNAL */
    input  logic             reset,
    /* verilator lint_on UNUSEDSIGNAL */
    input  logic [WIDTH-1:0] in,
    output logic [WIDTH-1:0] out
);
  logic [WIDTH*DEPTH-1:0] stages;
  generate
    if (DEPTH == 1) begin : one
      always_ff @(posedge clk) stages <= in;
    end else begin : many
      always_ff @(posedge clk) stages <= {stages[WIDTH*(DEPTH-1)-1:0], in};
    end
  endgenerate
  assign out = stages[WIDTH*DEPTH-1-:WIDTH];
endmodule
