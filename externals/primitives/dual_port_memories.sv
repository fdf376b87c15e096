// One write port and one registered read port per memory (torch2calyx's own).
// Out-of-range reads give 0; out-of-range writes are dropped.

module dual_port_mem_d1 #(
  parameter WIDTH = 32,
  parameter SIZE = 16,
  parameter IDX_SIZE = 4
) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic write_en,
  input  wire logic [WIDTH-1:0] write_data,
  input  wire logic [IDX_SIZE-1:0] addr0_w,
  input  wire logic read_en,
  input  wire logic [IDX_SIZE-1:0] addr0_r,
  output logic [WIDTH-1:0] read_data
);
  logic [WIDTH-1:0] mem[SIZE];
  /* verilator lint_off WIDTH */
  logic [31:0] widx, ridx;
  assign widx = 32'(addr0_w);
  assign ridx = 32'(addr0_r);
  always_ff @(posedge clk) begin
    if (reset) read_data <= '0;
    else if (read_en) read_data <= ridx < SIZE ? mem[ridx] : '0;
  end
  always_ff @(posedge clk) begin
    if (!reset && write_en && widx < SIZE) mem[widx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule

module dual_port_mem_d2 #(
  parameter WIDTH = 32,
  parameter D0_SIZE = 16,
  parameter D1_SIZE = 16,
  parameter D0_IDX_SIZE = 4,
  parameter D1_IDX_SIZE = 4
) (
  input  wire logic clk,
  input  wire logic reset,
  input  wire logic write_en,
  input  wire logic [WIDTH-1:0] write_data,
  input  wire logic [D0_IDX_SIZE-1:0] addr0_w,
  input  wire logic [D1_IDX_SIZE-1:0] addr1_w,
  input  wire logic read_en,
  input  wire logic [D0_IDX_SIZE-1:0] addr0_r,
  input  wire logic [D1_IDX_SIZE-1:0] addr1_r,
  output logic [WIDTH-1:0] read_data
);
  localparam int TOTAL = D0_SIZE * D1_SIZE;
  logic [WIDTH-1:0] mem[TOTAL];
  /* verilator lint_off WIDTH */
  logic [31:0] widx, ridx;
  assign widx = 32'(addr0_w) < D0_SIZE && 32'(addr1_w) < D1_SIZE
      ? 32'(addr0_w) * D1_SIZE + 32'(addr1_w) : TOTAL;
  assign ridx = 32'(addr0_r) < D0_SIZE && 32'(addr1_r) < D1_SIZE
      ? 32'(addr0_r) * D1_SIZE + 32'(addr1_r) : TOTAL;
  always_ff @(posedge clk) begin
    if (reset) read_data <= '0;
    else if (read_en) read_data <= ridx < TOTAL ? mem[ridx] : '0;
  end
  always_ff @(posedge clk) begin
    if (!reset && write_en && widx < TOTAL) mem[widx] <= write_data;
  end
  /* verilator lint_on WIDTH */
endmodule
