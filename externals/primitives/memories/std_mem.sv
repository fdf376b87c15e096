// Calyx's former names of the memories with combinational reads, std_mem_d1..d4 (declared
// in core.futil as the Calyx compiler declared them then): the same modules as comb.sv's
// comb_mem_d1..d4 under the old names (torch2calyx's own).
// Lint: the flat index is computed in 32-bit arithmetic (WIDTH waived locally).

module std_mem_d1 #(
  parameter WIDTH = 32,
  parameter SIZE = 16,
  parameter IDX_SIZE = 4
) (
  input  wire logic [IDX_SIZE-1:0] addr0,
  input  wire logic [WIDTH-1:0] write_data,
  input  wire logic write_en,
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
  assign read_data = idx < TOTAL ? mem[idx] : '0;
  always_ff @(posedge clk) begin
    if (reset) done <= 1'b0;
    else done <= write_en;
  end
  always_ff @(posedge clk) begin
    if (!reset && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule

module std_mem_d2 #(
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
  assign read_data = idx < TOTAL ? mem[idx] : '0;
  always_ff @(posedge clk) begin
    if (reset) done <= 1'b0;
    else done <= write_en;
  end
  always_ff @(posedge clk) begin
    if (!reset && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule

module std_mem_d3 #(
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
  assign read_data = idx < TOTAL ? mem[idx] : '0;
  always_ff @(posedge clk) begin
    if (reset) done <= 1'b0;
    else done <= write_en;
  end
  always_ff @(posedge clk) begin
    if (!reset && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule

module std_mem_d4 #(
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
  assign read_data = idx < TOTAL ? mem[idx] : '0;
  always_ff @(posedge clk) begin
    if (reset) done <= 1'b0;
    else done <= write_en;
  end
  always_ff @(posedge clk) begin
    if (!reset && write_en && idx < TOTAL) mem[idx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule
