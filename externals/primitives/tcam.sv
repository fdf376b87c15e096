// TCAM_IPv4 for primitives/tcam.futil, written for torch2calyx: one cycle per write or search
// (go held until done, done high for one cycle; `index` holds the last search result).
module TCAM_IPv4 (
  input  wire logic write_en,
  input  wire logic search_en,
  input  wire logic [31:0] in,
  input  wire logic [5:0] prefix_len,
  input  wire logic [4:0] write_index,
  input  wire logic go,
  input  wire logic clk,
  input  wire logic reset,
  output logic [4:0] index,
  output logic done
);
  logic [31:0] prefix[32];
  logic [4:0] len_code[32];  // length - 1
  logic [4:0] zero_index;
  logic found;
  logic [4:0] best, best_len;
  // longest matching prefix; scanning upwards with >= makes the higher index win a tie
  always_comb begin
    found = 1'b0;
    best = 5'd0;
    best_len = 5'd0;
    for (int i = 0; i < 32; i++) begin
      if ((in >> (5'd31 - len_code[i])) == (prefix[i] >> (5'd31 - len_code[i]))
          && (!found || len_code[i] >= best_len)) begin
        found = 1'b1;
        best = 5'(i);
        best_len = len_code[i];
      end
    end
  end
  always_ff @(posedge clk) begin
    if (reset) begin
      for (int i = 0; i < 32; i++) begin
        prefix[i] <= '0;
        len_code[i] <= '0;
      end
      zero_index <= '0;
      index <= '0;
      done <= 1'b0;
    end else begin
      done <= go && !done;
      if (go && !done) begin
        if (write_en) begin
          if (prefix_len == 6'd0) zero_index <= write_index;
          else begin
            prefix[write_index] <= in;
            len_code[write_index] <= 5'(prefix_len - 6'd1);
          end
        end else if (search_en) begin
          index <= found ? best : zero_index;
        end
      end
    end
  end
endmodule
