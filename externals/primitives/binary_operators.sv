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

// Signed divider: truncates toward zero; the remainder takes the sign of the dividend (C `%`).
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
  logic neg_q, neg_r;
  assign abs_left = left[WIDTH-1] ? -left : left;
  assign abs_right = right[WIDTH-1] ? -right : right;
  always_ff @(posedge clk) begin
    if (reset) begin
      neg_q <= 1'b0;
      neg_r <= 1'b0;
    end else if (go && !done) begin
      neg_q <= (left[WIDTH-1] ^ right[WIDTH-1]) && right != '0;
      neg_r <= left[WIDTH-1];
    end
  end
  std_div_pipe #(.WIDTH(WIDTH)) unsigned_div (
    .clk(clk), .reset(reset), .go(go), .left(abs_left), .right(abs_right),
    .out_quotient(q), .out_remainder(r), .done(done)
  );
  assign out_quotient = neg_q ? -q : q;
  assign out_remainder = neg_r ? -r : r;
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
