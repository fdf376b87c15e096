// Multi-cycle and signed integer primitives of Calyx, written for torch2calyx.
// Ports and parameters match primitives/binary_operators.futil.
//
// Handshake of the *_pipe units: the caller holds `go` and the operands until `done`, which is
// high for exactly one cycle with the result on the outputs; outputs then stay stable until
// the next operation. A new operation starts on any cycle with `go` high after `done`.

// Multiplier with a three-cycle latency (operands latched, product, output register).
module std_mult_pipe #(parameter WIDTH = 32) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out,
  output logic done
);
  logic [WIDTH-1:0] l, r;
  logic [1:0] stage;  // 0 idle, 1 operands latched, 2 product ready
  always_ff @(posedge clk) begin
    if (reset) begin
      stage <= 2'd0;
      done <= 1'b0;
      out <= '0;
      l <= '0;
      r <= '0;
    end else begin
      done <= 1'b0;
      case (stage)
        2'd0: if (go && !done) begin
          l <= left;
          r <= right;
          stage <= 2'd1;
        end
        2'd1: stage <= 2'd2;
        default: begin
          out <= l * r;
          done <= 1'b1;
          stage <= 2'd0;
        end
      endcase
    end
  end
endmodule

// Signed multiplier: the low WIDTH bits of a two's complement product equal the unsigned ones.
module std_smult_pipe #(parameter WIDTH = 32) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out,
  output logic done
);
  std_mult_pipe #(.WIDTH(WIDTH)) unsigned_mult (
    .clk(clk), .reset(reset), .go(go), .left(left), .right(right), .out(out), .done(done)
  );
endmodule

// Restoring divider, one quotient bit per cycle (WIDTH + 1 cycles).
// Division by zero gives an all-ones quotient and the dividend as remainder.
module std_div_pipe #(parameter WIDTH = 32) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out_quotient,
  output logic [WIDTH-1:0] out_remainder,
  output logic done
);
  localparam int CW = $clog2(WIDTH + 1);
  logic running;
  logic [CW-1:0] count;
  logic [WIDTH-1:0] dividend, divisor, quotient;
  logic [WIDTH:0] rem;
  logic [WIDTH:0] shifted;
  assign shifted = {rem[WIDTH-1:0], dividend[WIDTH-1]};
  always_ff @(posedge clk) begin
    if (reset) begin
      running <= 1'b0;
      done <= 1'b0;
      count <= '0;
      dividend <= '0;
      divisor <= '0;
      quotient <= '0;
      rem <= '0;
      out_quotient <= '0;
      out_remainder <= '0;
    end else begin
      done <= 1'b0;
      if (!running) begin
        if (go && !done) begin
          running <= 1'b1;
          count <= '0;
          dividend <= left;
          divisor <= right;
          quotient <= '0;
          rem <= '0;
        end
      end else if (count == CW'(WIDTH)) begin
        running <= 1'b0;
        done <= 1'b1;
        out_quotient <= quotient;
        out_remainder <= rem[WIDTH-1:0];
      end else begin
        count <= count + 1'b1;
        dividend <= dividend << 1;
        if (shifted >= {1'b0, divisor}) begin
          rem <= shifted - {1'b0, divisor};
          quotient <= {quotient[WIDTH-2:0], 1'b1};
        end else begin
          rem <= shifted;
          quotient <= {quotient[WIDTH-2:0], 1'b0};
        end
      end
    end
  end
endmodule

// Signed divider: the quotient truncates toward zero; the remainder follows Calyx's
// definition, the floored modulo (the sign of the divisor: -7 rem 2 = 1, 7 rem -2 = -1,
// i.e. left - right * floor(left / right)). Division by zero gives quotient -1 (all ones)
// and the dividend as remainder.
module std_sdiv_pipe #(parameter WIDTH = 32) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out_quotient,
  output logic [WIDTH-1:0] out_remainder,
  output logic done
);
  logic [WIDTH-1:0] abs_left, abs_right, q, r;
  assign abs_left = left[WIDTH-1] ? -left : left;
  assign abs_right = right[WIDTH-1] ? -right : right;
  std_div_pipe #(.WIDTH(WIDTH)) unsigned_div (
    .clk(clk), .reset(reset), .go(go), .left(abs_left), .right(abs_right),
    .out_quotient(q), .out_remainder(r), .done(done)
  );
  t2c_signed_result #(.WIDTH(WIDTH)) fix (
    .clk(clk), .reset(reset), .start(go && !done), .left(left), .right(right),
    .abs_quotient(q), .abs_remainder(r), .out_quotient(out_quotient),
    .out_remainder(out_remainder)
  );
endmodule

// Signs of a signed division, latched when it starts, applied to the unsigned results:
// quotient negated when the signs differ (not for a zero divisor); remainder floored.
module t2c_signed_result #(parameter WIDTH = 32) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic start,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  input  wire logic [WIDTH-1:0] abs_quotient,
  input  wire logic [WIDTH-1:0] abs_remainder,
  output logic [WIDTH-1:0] out_quotient,
  output logic [WIDTH-1:0] out_remainder
);
  logic left_neg, right_neg, right_zero;
  logic [WIDTH-1:0] abs_right;
  always_ff @(posedge clk) begin
    if (reset) begin
      left_neg <= 1'b0;
      right_neg <= 1'b0;
      right_zero <= 1'b0;
      abs_right <= '0;
    end else if (start) begin
      left_neg <= left[WIDTH-1];
      right_neg <= right[WIDTH-1];
      right_zero <= right == '0;
      abs_right <= right[WIDTH-1] ? -right : right;
    end
  end
  logic differ;
  logic [WIDTH-1:0] mag_rem;
  assign differ = left_neg ^ right_neg;
  assign out_quotient = differ && !right_zero ? -abs_quotient : abs_quotient;
  // |left| mod |right|, moved to the divisor's side of zero when the signs differ
  assign mag_rem = differ && abs_remainder != '0 ? abs_right - abs_remainder : abs_remainder;
  assign out_remainder = right_neg ? -mag_rem : mag_rem;
endmodule

module std_sadd #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic signed [WIDTH-1:0] out
);
  assign out = left + right;
endmodule

module std_ssub #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic signed [WIDTH-1:0] out
);
  assign out = left - right;
endmodule

module std_sgt #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left > right;
endmodule

module std_slt #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left < right;
endmodule

module std_seq #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left == right;
endmodule

module std_sneq #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left != right;
endmodule

module std_sge #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left >= right;
endmodule

module std_sle #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left <= right;
endmodule

module std_slsh #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic signed [WIDTH-1:0] out
);
  assign out = left <<< right;
endmodule

module std_srsh #(parameter WIDTH = 32) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic signed [WIDTH-1:0] out
);
  assign out = left >>> right;
endmodule

module std_signext #(parameter IN_WIDTH = 32, parameter OUT_WIDTH = 32) (
  input  wire logic [IN_WIDTH-1:0] in,
  output logic [OUT_WIDTH-1:0] out
);
  assign out = {{(OUT_WIDTH - IN_WIDTH){in[IN_WIDTH-1]}}, in};
endmodule

module std_mult #(parameter WIDTH = 32) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left * right;
endmodule

// =================== Fixed point (WIDTH = INT_WIDTH + FRAC_WIDTH) ===================
// A value is its WIDTH-bit word divided by 2**FRAC_WIDTH (two's complement for std_fp_s*).

module std_fp_add #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left + right;
endmodule

module std_fp_sub #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left - right;
endmodule

module std_fp_sadd #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left + right;
endmodule

module std_fp_ssub #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out
);
  assign out = left - right;
endmodule

module std_fp_gt #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic out
);
  assign out = left > right;
endmodule

module std_fp_sgt #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left > right;
endmodule

module std_fp_slt #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic signed [WIDTH-1:0] left,
  input  wire logic signed [WIDTH-1:0] right,
  output logic out
);
  assign out = left < right;
endmodule

// Fixed-point multiply, three cycles like std_mult_pipe: the double-width product shifted
// right by FRAC_WIDTH (toward minus infinity), low WIDTH bits kept. SIGNED=1 multiplies two's
// complement values (std_fp_smult_pipe).
module std_fp_mult_pipe #(
  parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16, parameter SIGNED = 0
) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out,
  output logic done
);
  logic [2*WIDTH-1:0] l, r, product;
  logic [1:0] stage;  // 0 idle, 1 operands latched, 2 product ready
  assign product = l * r;
  always_ff @(posedge clk) begin
    if (reset) begin
      stage <= 2'd0;
      done <= 1'b0;
      out <= '0;
      l <= '0;
      r <= '0;
    end else begin
      done <= 1'b0;
      case (stage)
        2'd0: if (go && !done) begin
          l <= SIGNED != 0 ? {{WIDTH{left[WIDTH-1]}}, left} : {{WIDTH{1'b0}}, left};
          r <= SIGNED != 0 ? {{WIDTH{right[WIDTH-1]}}, right} : {{WIDTH{1'b0}}, right};
          stage <= 2'd1;
        end
        2'd1: stage <= 2'd2;
        default: begin
          out <= product[FRAC_WIDTH +: WIDTH];
          done <= 1'b1;
          stage <= 2'd0;
        end
      endcase
    end
  end
endmodule

module std_fp_smult_pipe #(
  parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16
) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out,
  output logic done
);
  std_fp_mult_pipe #(.WIDTH(WIDTH), .INT_WIDTH(INT_WIDTH), .FRAC_WIDTH(FRAC_WIDTH), .SIGNED(1))
    signed_mult (
      .clk(clk), .reset(reset), .go(go), .left(left), .right(right), .out(out), .done(done)
    );
endmodule

// Fixed-point divide: quotient = (left * 2**FRAC_WIDTH) / right truncated (low WIDTH bits);
// remainder = left mod right on the raw words. Long division of left followed by FRAC_WIDTH
// zero bits, one quotient bit per cycle; the partial remainder after the WIDTH integer steps
// is left mod right. Division by zero gives an all-ones quotient and left as remainder.
module std_fp_div_pipe #(
  parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16
) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out_quotient,
  output logic [WIDTH-1:0] out_remainder,
  output logic done
);
  localparam int STEPS = WIDTH + FRAC_WIDTH;
  localparam int CW = $clog2(STEPS + 1);
  logic running;
  logic [CW-1:0] count;
  logic [STEPS-1:0] dividend, quotient;
  logic [WIDTH-1:0] divisor, int_rem;
  logic [WIDTH:0] rem, shifted;
  assign shifted = {rem[WIDTH-1:0], dividend[STEPS-1]};
  always_ff @(posedge clk) begin
    if (reset) begin
      running <= 1'b0;
      done <= 1'b0;
      count <= '0;
      dividend <= '0;
      divisor <= '0;
      quotient <= '0;
      rem <= '0;
      int_rem <= '0;
      out_quotient <= '0;
      out_remainder <= '0;
    end else begin
      done <= 1'b0;
      if (!running) begin
        if (go && !done) begin
          running <= 1'b1;
          count <= '0;
          dividend <= STEPS'(left) << FRAC_WIDTH;
          divisor <= right;
          quotient <= '0;
          rem <= '0;
        end
      end else if (count == CW'(STEPS)) begin
        running <= 1'b0;
        done <= 1'b1;
        out_quotient <= quotient[WIDTH-1:0];
        out_remainder <= FRAC_WIDTH == 0 ? rem[WIDTH-1:0] : int_rem;
      end else begin
        count <= count + 1'b1;
        dividend <= dividend << 1;
        if (count == CW'(WIDTH)) int_rem <= rem[WIDTH-1:0];
        if (shifted >= {1'b0, divisor}) begin
          rem <= shifted - {1'b0, divisor};
          quotient <= {quotient[STEPS-2:0], 1'b1};
        end else begin
          rem <= shifted;
          quotient <= {quotient[STEPS-2:0], 1'b0};
        end
      end
    end
  end
endmodule

// Signed fixed-point divide: quotient truncated toward zero, remainder floored (as
// std_sdiv_pipe), on the magnitudes through std_fp_div_pipe.
module std_fp_sdiv_pipe #(
  parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16
) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] left,
  input  wire logic [WIDTH-1:0] right,
  output logic [WIDTH-1:0] out_quotient,
  output logic [WIDTH-1:0] out_remainder,
  output logic done
);
  logic [WIDTH-1:0] abs_left, abs_right, q, r;
  assign abs_left = left[WIDTH-1] ? -left : left;
  assign abs_right = right[WIDTH-1] ? -right : right;
  std_fp_div_pipe #(.WIDTH(WIDTH), .INT_WIDTH(INT_WIDTH), .FRAC_WIDTH(FRAC_WIDTH)) unsigned_div (
    .clk(clk), .reset(reset), .go(go), .left(abs_left), .right(abs_right),
    .out_quotient(q), .out_remainder(r), .done(done)
  );
  t2c_signed_result #(.WIDTH(WIDTH)) fix (
    .clk(clk), .reset(reset), .start(go && !done), .left(left), .right(right),
    .abs_quotient(q), .abs_remainder(r), .out_quotient(out_quotient),
    .out_remainder(out_remainder)
  );
endmodule

// Unsigned fixed-point add of two formats, aligned on the binary point (see the .futil).
module std_fp_add_dwidth #(
  parameter WIDTH1 = 32, parameter WIDTH2 = 32,
  parameter INT_WIDTH1 = 16, parameter FRAC_WIDTH1 = 16,
  parameter INT_WIDTH2 = 16, parameter FRAC_WIDTH2 = 16,
  parameter OUT_WIDTH = 32
) (
  input  wire logic [WIDTH1-1:0] left,
  input  wire logic [WIDTH2-1:0] right,
  output logic [OUT_WIDTH-1:0] out
);
  localparam int FRAC = FRAC_WIDTH1 > FRAC_WIDTH2 ? FRAC_WIDTH1 : FRAC_WIDTH2;
  localparam int SUM_W = OUT_WIDTH + FRAC + 1;
  logic [SUM_W-1:0] l, r, s;
  assign l = SUM_W'(left) << (FRAC - FRAC_WIDTH1);
  assign r = SUM_W'(right) << (FRAC - FRAC_WIDTH2);
  assign s = l + r;
  assign out = s[OUT_WIDTH-1:0];
endmodule
