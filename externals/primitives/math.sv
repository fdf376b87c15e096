// Square roots for primitives/math.futil, written for torch2calyx.
//
// fp_sqrt: the digit-by-digit method on N = in * 2**FRAC_WIDTH, two bits of N per cycle:
// rem = 4 * rem + next two bits; if rem >= 4 * root + 1 subtract it and append a 1 to root,
// else append a 0. After ceil((WIDTH + FRAC_WIDTH) / 2) steps root = floor(sqrt(N)), which
// is floor(sqrt(value)) with FRAC_WIDTH fraction bits. Hold go and in until done (one cycle);
// out then holds until the next operation.
module fp_sqrt #(parameter WIDTH = 32, parameter INT_WIDTH = 16, parameter FRAC_WIDTH = 16) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] in,
  output logic [WIDTH-1:0] out,
  output logic done
);
  localparam int STEPS = (WIDTH + FRAC_WIDTH + 1) / 2;
  localparam int NB = 2 * STEPS;
  localparam int RW = STEPS + 3;
  localparam int CW = $clog2(STEPS + 1);
  logic running;
  logic [CW-1:0] count;
  logic [NB-1:0] bits;
  logic [STEPS-1:0] root;
  logic [RW-1:0] rem, shifted, trial;
  assign shifted = {rem[RW-3:0], bits[NB-1:NB-2]};
  assign trial = {{(RW - STEPS - 2){1'b0}}, root, 2'b01};
  always_ff @(posedge clk) begin
    if (reset) begin
      running <= 1'b0;
      done <= 1'b0;
      count <= '0;
      bits <= '0;
      root <= '0;
      rem <= '0;
      out <= '0;
    end else begin
      done <= 1'b0;
      if (!running) begin
        if (go && !done) begin
          running <= 1'b1;
          count <= '0;
          bits <= NB'(in) << FRAC_WIDTH;
          root <= '0;
          rem <= '0;
        end
      end else if (count == CW'(STEPS)) begin
        running <= 1'b0;
        done <= 1'b1;
        out <= WIDTH'(root);
      end else begin
        count <= count + 1'b1;
        bits <= bits << 2;
        if (shifted >= trial) begin
          rem <= shifted - trial;
          root <= {root[STEPS-2:0], 1'b1};
        end else begin
          rem <= shifted;
          root <= {root[STEPS-2:0], 1'b0};
        end
      end
    end
  end
endmodule

module sqrt #(parameter WIDTH = 32) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic go,
  input  wire logic [WIDTH-1:0] in,
  output logic [WIDTH-1:0] out,
  output logic done
);
  fp_sqrt #(.WIDTH(WIDTH), .INT_WIDTH(WIDTH), .FRAC_WIDTH(0)) integer_sqrt (
    .clk(clk), .reset(reset), .go(go), .in(in), .out(out), .done(done)
  );
endmodule
