// Pipelined multipliers for primitives/pipelined.futil, written for torch2calyx: operands are
// registered, the product goes through three more registers, so out(t + 4) = f(in(t)).

module pipelined_fp_smult #(
  parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16, parameter SIGNED = 1
) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  logic [2*WIDTH-1:0] l, r, product;
  logic [WIDTH-1:0] stage[3];
  assign product = l * r;
  always_ff @(posedge clk) begin
    if (reset) begin
      l <= '0;
      r <= '0;
      for (int i = 0; i < 3; i++) stage[i] <= '0;
    end else begin
      l <= SIGNED != 0 ? {{WIDTH{left[WIDTH-1]}}, left} : {{WIDTH{1'b0}}, left};
      r <= SIGNED != 0 ? {{WIDTH{right[WIDTH-1]}}, right} : {{WIDTH{1'b0}}, right};
      stage[0] <= product[FRAC_WIDTH +: WIDTH];
      stage[1] <= stage[0];
      stage[2] <= stage[1];
    end
  end
  assign out = stage[2];
endmodule

module pipelined_mult #(parameter WIDTH = 32) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  pipelined_fp_smult #(.WIDTH(WIDTH), .INT_WIDTH(WIDTH), .FRAC_WIDTH(0), .SIGNED(0)) unsigned_mult (
    .clk(clk), .reset(reset), .left(left), .right(right), .out(out)
  );
endmodule
