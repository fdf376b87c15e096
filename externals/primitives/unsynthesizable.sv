// Combinational multiply, divide and remainder, written for torch2calyx (simulation only).

module std_unsyn_mult #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left * right;
endmodule

module std_unsyn_div #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  // an if, not ?:, so the signed operands keep their signedness ('x is unsigned)
  always_comb begin
    if (right == '0) out = 'x;
    else out = left / right;
  end
endmodule

module std_unsyn_mod #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  // an if, not ?:, so the signed operands keep their signedness ('x is unsigned)
  always_comb begin
    if (right == '0) out = 'x;
    else out = left % right;
  end
endmodule

module std_unsyn_smult #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic signed [WIDTH-1:0] out
);
  assign out = left * right;
endmodule

module std_unsyn_sdiv #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic signed [WIDTH-1:0] out
);
  // an if, not ?:, so the signed operands keep their signedness ('x is unsigned)
  always_comb begin
    if (right == '0) out = 'x;
    else out = left / right;
  end
endmodule

module std_unsyn_smod #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic signed [WIDTH-1:0] out
);
  // an if, not ?:, so the signed operands keep their signedness ('x is unsigned)
  always_comb begin
    if (right == '0) out = 'x;
    else out = left % right;
  end
endmodule
