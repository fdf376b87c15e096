// Core primitives of Calyx, written for torch2calyx.
// Every module is width-parametric; ports and parameters match primitives/core.futil.
// Lint: width-changing primitives (slice, pad, bit_slice) waive WIDTH locally.

module std_const #(parameter WIDTH = 32, parameter VALUE = 0) (
  output logic [WIDTH-1:0] out
);
  assign out = WIDTH'(VALUE);
endmodule

module std_wire #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] in,
  output logic [WIDTH-1:0] out
);
  assign out = in;
endmodule

module std_slice #(parameter IN_WIDTH = 32, parameter OUT_WIDTH = 32) (
  input  wire logic [IN_WIDTH-1:0] in,
  output logic [OUT_WIDTH-1:0] out
);
  /* verilator lint_off UNUSEDSIGNAL */
  wire logic [IN_WIDTH-1:0] unused_in = in;
  /* verilator lint_on UNUSEDSIGNAL */
  assign out = in[OUT_WIDTH-1:0];
endmodule

module std_pad #(parameter IN_WIDTH = 32, parameter OUT_WIDTH = 32) (
  input  wire logic [IN_WIDTH-1:0] in,
  output logic [OUT_WIDTH-1:0] out
);
  assign out = OUT_WIDTH'(in);
endmodule

module std_cat #(parameter LEFT_WIDTH = 32, parameter RIGHT_WIDTH = 32, parameter OUT_WIDTH = 64) (
  input  wire logic [LEFT_WIDTH-1:0] left,
  input  wire logic [RIGHT_WIDTH-1:0] right,
  output logic [OUT_WIDTH-1:0] out
);
  assign out = OUT_WIDTH'({left, right});
endmodule

module std_bit_slice #(
  parameter IN_WIDTH = 32, parameter START_IDX = 0, parameter END_IDX = 31, parameter OUT_WIDTH = 32
) (
  input  wire logic [IN_WIDTH-1:0] in,
  output logic [OUT_WIDTH-1:0] out
);
  /* verilator lint_off UNUSEDSIGNAL */
  wire logic [IN_WIDTH-1:0] unused_in = in;
  /* verilator lint_on UNUSEDSIGNAL */
  assign out = OUT_WIDTH'(in[END_IDX:START_IDX]);
endmodule

module std_not #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] in,
  output logic [WIDTH-1:0] out
);
  assign out = ~in;
endmodule

module std_and #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left & right;
endmodule

module std_or #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left | right;
endmodule

module std_xor #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left ^ right;
endmodule

module std_add #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left + right;
endmodule

module std_sub #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left - right;
endmodule

module std_gt #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic out
);
  assign out = left > right;
endmodule

module std_lt #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic out
);
  assign out = left < right;
endmodule

module std_eq #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic out
);
  assign out = left == right;
endmodule

module std_neq #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic out
);
  assign out = left != right;
endmodule

module std_ge #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic out
);
  assign out = left >= right;
endmodule

module std_le #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic out
);
  assign out = left <= right;
endmodule

module std_lsh #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left << right;
endmodule

module std_rsh #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left >> right;
endmodule

module std_mux #(parameter WIDTH = 32) (
  input  wire logic cond,
  input  wire logic [WIDTH-1:0] tru,
  input  wire logic [WIDTH-1:0] fal,
  output logic [WIDTH-1:0] out
);
  assign out = cond ? tru : fal;
endmodule

// A register: `in` is stored when `write_en` is high; `done` is high the cycle after.
module std_reg #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] in,
  input  wire logic write_en,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] out,
  output logic done
);
  always_ff @(posedge clk) begin
    if (reset) begin
      out <= '0;
      done <= 1'b0;
    end else if (write_en) begin
      out <= in;
      done <= 1'b1;
    end else begin
      done <= 1'b0;
    end
  end
endmodule

// Skid buffer between a producer (in, i_valid; o_ready back to it) and a consumer (out,
// o_valid; i_ready from it). While the consumer is ready the buffer is a wire; when the
// producer offers data the consumer refuses, that word is kept and offered (o_valid = 1,
// o_ready = 0) until the consumer takes it.
module std_skid_buffer #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] in,
  input  wire logic i_valid,
  input  wire logic i_ready,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] out,
  output logic o_valid,
  output logic o_ready
);
  logic holding;  // a skidded word is waiting in `kept`
  logic [WIDTH-1:0] kept;
  always_ff @(posedge clk) begin
    if (reset) begin
      holding <= 1'b0;
      kept <= '0;
    end else if (!holding && i_valid && !i_ready) begin
      holding <= 1'b1;
      kept <= in;
    end else if (holding && i_ready) begin
      holding <= 1'b0;
    end
  end
  assign out = holding ? kept : in;
  assign o_valid = holding | i_valid;
  assign o_ready = !holding;
endmodule

// A register whose output forwards `in` in the cycle it is written (out = write_en ? in :
// stored value); `done` is high the cycle after a write, like std_reg.
module std_bypass_reg #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] in,
  input  wire logic write_en,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] out,
  output logic done
);
  logic [WIDTH-1:0] stored;
  always_ff @(posedge clk) begin
    if (reset) begin
      stored <= '0;
      done <= 1'b0;
    end else begin
      done <= write_en;
      if (write_en) stored <= in;
    end
  end
  assign out = write_en ? in : stored;
endmodule
