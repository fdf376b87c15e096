// Single-ported memories with one-cycle reads and writes, written for torch2calyx.
// `content_en` starts an access: a read when `write_en` is low (read_data holds the value
// from the next cycle until the next read), a write when it is high; `done` is high the
// cycle after. Storage is one flat array `mem` in row-major order, like comb_mem_d*. A read
// outside the memory gives 0, as in comb_mem_d*.
// Lint: the flat index is computed in 32-bit arithmetic (WIDTH waived locally).
// Synthesis (yosys 0.23 read_verilog -sv, Verilator, Icarus -g2012): no `int` casts; the
// read port is the block-RAM pattern (registered read, enable, synchronous reset).

module seq_mem_d1 #(
  parameter WIDTH = 32,
  parameter SIZE = 16,
  parameter IDX_SIZE = 4
) (
  input  wire logic [IDX_SIZE-1:0] addr0,
  input  wire logic [WIDTH-1:0] write_data,
  input  wire logic write_en,
  input  wire logic content_en,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] read_data,
  output logic done
);
  localparam int TOTAL = SIZE;
  logic [WIDTH-1:0] mem[TOTAL];
  /* verilator lint_off WIDTH */
  logic [31:0] idx;
  assign idx = 32'(addr0);
  // The registered read of `mem` is kept apart from the out-of-range mask so synthesis can
  // map it to a block RAM with an output register (reset clears that register, never `mem`).
  logic [WIDTH-1:0] read_q;
  logic in_range_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      read_q <= '0;
    end else if (content_en && !write_en) begin
      read_q <= mem[idx];
    end
  end
  always_ff @(posedge clk) begin
    if (reset) begin
      in_range_q <= 1'b0;
      done <= 1'b0;
    end else begin
      done <= content_en;
      if (content_en && !write_en) in_range_q <= idx < TOTAL;
    end
  end
  assign read_data = in_range_q ? read_q : '0;
  always_ff @(posedge clk) begin
    if (!reset && content_en && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule

module seq_mem_d2 #(
  parameter WIDTH = 32,
  parameter D0_SIZE = 16,
  parameter D1_SIZE = 16,
  parameter D0_IDX_SIZE = 4,
  parameter D1_IDX_SIZE = 4
) (
  input  wire logic [D0_IDX_SIZE-1:0] addr0,
  input  wire logic [D1_IDX_SIZE-1:0] addr1,
  input  wire logic [WIDTH-1:0] write_data,
  input  wire logic write_en,
  input  wire logic content_en,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] read_data,
  output logic done
);
  localparam int TOTAL = D0_SIZE * D1_SIZE;
  logic [WIDTH-1:0] mem[TOTAL];
  /* verilator lint_off WIDTH */
  logic [31:0] idx;
  assign idx = 32'(addr0) * D1_SIZE + 32'(addr1);
  // The registered read of `mem` is kept apart from the out-of-range mask so synthesis can
  // map it to a block RAM with an output register (reset clears that register, never `mem`).
  logic [WIDTH-1:0] read_q;
  logic in_range_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      read_q <= '0;
    end else if (content_en && !write_en) begin
      read_q <= mem[idx];
    end
  end
  always_ff @(posedge clk) begin
    if (reset) begin
      in_range_q <= 1'b0;
      done <= 1'b0;
    end else begin
      done <= content_en;
      if (content_en && !write_en) in_range_q <= idx < TOTAL;
    end
  end
  assign read_data = in_range_q ? read_q : '0;
  always_ff @(posedge clk) begin
    if (!reset && content_en && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule

module seq_mem_d3 #(
  parameter WIDTH = 32,
  parameter D0_SIZE = 16,
  parameter D1_SIZE = 16,
  parameter D2_SIZE = 16,
  parameter D0_IDX_SIZE = 4,
  parameter D1_IDX_SIZE = 4,
  parameter D2_IDX_SIZE = 4
) (
  input  wire logic [D0_IDX_SIZE-1:0] addr0,
  input  wire logic [D1_IDX_SIZE-1:0] addr1,
  input  wire logic [D2_IDX_SIZE-1:0] addr2,
  input  wire logic [WIDTH-1:0] write_data,
  input  wire logic write_en,
  input  wire logic content_en,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] read_data,
  output logic done
);
  localparam int TOTAL = D0_SIZE * D1_SIZE * D2_SIZE;
  logic [WIDTH-1:0] mem[TOTAL];
  /* verilator lint_off WIDTH */
  logic [31:0] idx;
  assign idx = 32'(addr0) * D1_SIZE * D2_SIZE + 32'(addr1) * D2_SIZE + 32'(addr2);
  // The registered read of `mem` is kept apart from the out-of-range mask so synthesis can
  // map it to a block RAM with an output register (reset clears that register, never `mem`).
  logic [WIDTH-1:0] read_q;
  logic in_range_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      read_q <= '0;
    end else if (content_en && !write_en) begin
      read_q <= mem[idx];
    end
  end
  always_ff @(posedge clk) begin
    if (reset) begin
      in_range_q <= 1'b0;
      done <= 1'b0;
    end else begin
      done <= content_en;
      if (content_en && !write_en) in_range_q <= idx < TOTAL;
    end
  end
  assign read_data = in_range_q ? read_q : '0;
  always_ff @(posedge clk) begin
    if (!reset && content_en && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule

module seq_mem_d4 #(
  parameter WIDTH = 32,
  parameter D0_SIZE = 16,
  parameter D1_SIZE = 16,
  parameter D2_SIZE = 16,
  parameter D3_SIZE = 16,
  parameter D0_IDX_SIZE = 4,
  parameter D1_IDX_SIZE = 4,
  parameter D2_IDX_SIZE = 4,
  parameter D3_IDX_SIZE = 4
) (
  input  wire logic [D0_IDX_SIZE-1:0] addr0,
  input  wire logic [D1_IDX_SIZE-1:0] addr1,
  input  wire logic [D2_IDX_SIZE-1:0] addr2,
  input  wire logic [D3_IDX_SIZE-1:0] addr3,
  input  wire logic [WIDTH-1:0] write_data,
  input  wire logic write_en,
  input  wire logic content_en,
  input  wire logic clk,
  input  wire logic reset,
  output logic [WIDTH-1:0] read_data,
  output logic done
);
  localparam int TOTAL = D0_SIZE * D1_SIZE * D2_SIZE * D3_SIZE;
  logic [WIDTH-1:0] mem[TOTAL];
  /* verilator lint_off WIDTH */
  logic [31:0] idx;
  assign idx = 32'(addr0) * D1_SIZE * D2_SIZE * D3_SIZE + 32'(addr1) * D2_SIZE * D3_SIZE + 32'(addr2) * D3_SIZE + 32'(addr3);
  // The registered read of `mem` is kept apart from the out-of-range mask so synthesis can
  // map it to a block RAM with an output register (reset clears that register, never `mem`).
  logic [WIDTH-1:0] read_q;
  logic in_range_q;
  always_ff @(posedge clk) begin
    if (reset) begin
      read_q <= '0;
    end else if (content_en && !write_en) begin
      read_q <= mem[idx];
    end
  end
  always_ff @(posedge clk) begin
    if (reset) begin
      in_range_q <= 1'b0;
      done <= 1'b0;
    end else begin
      done <= content_en;
      if (content_en && !write_en) in_range_q <= idx < TOTAL;
    end
  end
  assign read_data = in_range_q ? read_q : '0;
  always_ff @(posedge clk) begin
    if (!reset && content_en && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule
