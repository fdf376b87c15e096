// Verilator driver of tb_float.sv: applies operand/expected-result vectors to one float unit
// through the real go/done handshake and compares result and exception flags bit for bit.
//
// usage: harness VECTORS [SEED]
// VECTORS: one vector per line, hexadecimal fields
//   sel a b op rm ctl expected_result expected_flags
// Prints "MISMATCH <line> <result> <flags>" per wrong vector, "LATENCY <sel> <min> <max> <n>"
// per unit instance, then "CHECKED <n> MISMATCHES <m> HANDSHAKE_ERRORS <h>". Handshake
// checks: done low when go rises, done held (with stable outputs) while go stays high after
// done, done low one edge after go falls; operands are scrambled while go is low.
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>

#include "Vtb_float.h"
#include "verilated.h"

namespace {

struct Latency {
  uint64_t min = ~0ULL, max = 0, count = 0;
};

uint64_t rngState = 0x9E3779B97F4A7C15ULL;

uint64_t nextRandom() {
  rngState ^= rngState << 13;
  rngState ^= rngState >> 7;
  rngState ^= rngState << 17;
  return rngState;
}

void tick(Vtb_float &tb) {
  tb.clk = 1;
  tb.eval();
  tb.clk = 0;
  tb.eval();
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s VECTORS [SEED]\n", argv[0]);
    return 2;
  }
  if (argc > 2) rngState ^= std::strtoull(argv[2], nullptr, 0) * 0x2545F4914F6CDD1DULL;
  FILE *in = std::fopen(argv[1], "r");
  if (!in) {
    std::fprintf(stderr, "harness: cannot open vector file %s\n", argv[1]);
    return 2;
  }
  auto context = std::make_unique<VerilatedContext>();
  auto tb = std::make_unique<Vtb_float>(context.get());
  tb->clk = 0;
  tb->reset = 1;
  tb->go = 0;
  tb->eval();
  tick(*tb);
  tick(*tb);
  tb->reset = 0;
  tick(*tb);

  const uint64_t maxCycles = 200;
  std::map<unsigned, Latency> latency;
  uint64_t checked = 0, mismatches = 0, handshakeErrors = 0, line = 0;
  unsigned sel, op, rm, ctl;
  unsigned long long a, b, expRes, expFlags;
  while (std::fscanf(in, "%x %llx %llx %x %x %x %llx %llx", &sel, &a, &b, &op, &rm, &ctl,
                     &expRes, &expFlags) == 8) {
    ++line;
    tb->sel = sel;
    tb->a = a;
    tb->b = b;
    tb->op = op;
    tb->rm = rm;
    tb->ctl = ctl;
    tb->go = 1;
    tb->eval();
    if (tb->done) {
      std::printf("HANDSHAKE %llu done high when go rose\n", (unsigned long long)line);
      ++handshakeErrors;
    }
    uint64_t cycles = 0;
    do {
      tick(*tb);
      ++cycles;
    } while (!tb->done && cycles < maxCycles);
    uint64_t res = tb->res;
    unsigned flags = tb->flags;
    Latency &lat = latency[sel];
    if (cycles < lat.min) lat.min = cycles;
    if (cycles > lat.max) lat.max = cycles;
    ++lat.count;
    ++checked;
    if (!tb->done || res != expRes || flags != expFlags) {
      ++mismatches;
      std::printf("MISMATCH %llu %llx %x%s\n", (unsigned long long)line,
                  (unsigned long long)res, flags, tb->done ? "" : " timeout");
    }
    // Sometimes the caller sees done late: done and the outputs must hold.
    for (uint64_t hold = nextRandom() % 4 == 0 ? 1 + nextRandom() % 2 : 0; hold; --hold) {
      tick(*tb);
      if (!tb->done || tb->res != res || tb->flags != flags) {
        std::printf("HANDSHAKE %llu done/outputs not held while go high\n",
                    (unsigned long long)line);
        ++handshakeErrors;
      }
    }
    tb->go = 0;
    tb->a = nextRandom();
    tb->b = nextRandom();
    tick(*tb);
    if (tb->done) {
      std::printf("HANDSHAKE %llu done still high after go fell\n", (unsigned long long)line);
      ++handshakeErrors;
    }
    for (uint64_t idle = nextRandom() % 8 == 0 ? 1 + nextRandom() % 3 : 0; idle; --idle) {
      tick(*tb);
    }
  }
  std::fclose(in);
  for (const auto &[s, lat] : latency) {
    std::printf("LATENCY %u %llu %llu %llu\n", s, (unsigned long long)lat.min,
                (unsigned long long)lat.max, (unsigned long long)lat.count);
  }
  std::printf("CHECKED %llu MISMATCHES %llu HANDSHAKE_ERRORS %llu\n",
              (unsigned long long)checked, (unsigned long long)mismatches,
              (unsigned long long)handshakeErrors);
  tb->final();
  return 0;
}
