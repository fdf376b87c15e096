// std_assert: stop the simulation when an enabled check sees 0 (torch2calyx's own).
module std_assert (
  input  wire logic in,
  input  wire logic en,
  input  wire logic clk,
  input  wire logic reset,
  output logic out
);
  always_ff @(posedge clk) begin
    out <= in;
// synopsys translate_off
    if (!reset && en && !in) begin
      $fatal(1, "std_assert %m: the asserted condition is 0");
    end
// synopsys translate_on
  end
endmodule
