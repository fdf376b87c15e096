"""The Calyx corpus, compiled by the builtin backend and simulated under Verilator and Icarus.

Every program's final memories must equal its .expect file. The Verilator models are cached
in one build folder shared by the session, so each program is built once.
"""

from __future__ import annotations

import pytest
from calyx_corpus import CORPUS, load_json
from torch2calyx.calyx import compile_file
from torch2calyx.sim import simulate


@pytest.fixture(scope="session")
def sim_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("sim-cache")


def _run(futil, simulator, tmp_path, cache):
    sv = tmp_path / f"{futil.stem}.sv"
    compile_file(futil, sv, manifest=False)
    data = load_json(futil.with_name(futil.name + ".data"))
    return simulate(
        sv, data=data, simulator=simulator, build_dir=cache, cycle_limit=100_000, progress=False
    )


@pytest.mark.icarus
@pytest.mark.parametrize("futil", CORPUS, ids=lambda p: p.stem)
def test_corpus_icarus(futil, tmp_path, sim_cache):
    result = _run(futil, "icarus", tmp_path, sim_cache)
    assert result.memories == load_json(futil.with_name(futil.name + ".expect"))
    assert result.cycles > 0


@pytest.mark.verilator
@pytest.mark.parametrize("futil", CORPUS, ids=lambda p: p.stem)
def test_corpus_verilator(futil, tmp_path, sim_cache):
    result = _run(futil, "verilator", tmp_path, sim_cache)
    assert result.memories == load_json(futil.with_name(futil.name + ".expect"))
    # both simulators run the same testbench protocol, so the cycle counts agree
    icarus = _run(futil, "icarus", tmp_path, sim_cache)
    assert result.cycles == icarus.cycles


@pytest.mark.verilator
def test_verilator_model_is_cached_per_design(tmp_path, sim_cache):
    """A second simulate of a design (other data) reuses the model built by the corpus test."""
    futil = next(p for p in CORPUS if p.stem == "sum_while")
    first = _run(futil, "verilator", tmp_path, sim_cache)
    binary = first.model_dir / "obj" / "t2c_sim"
    stamp = binary.stat().st_mtime_ns
    builds = sorted(p.name for p in sim_cache.iterdir() if p.name.startswith("verilator-"))
    sv = tmp_path / "again.sv"
    compile_file(futil, sv, manifest=False)
    data = load_json(futil.with_name(futil.name + ".data"))
    data["mem"]["data"] = [10, 20, 30, 40]
    second = simulate(sv, data=data, simulator="verilator", build_dir=sim_cache, progress=False)
    assert second.model_dir == first.model_dir
    assert binary.stat().st_mtime_ns == stamp  # not rebuilt
    assert second.memories["out"] == [100]
    after = sorted(p.name for p in sim_cache.iterdir() if p.name.startswith("verilator-"))
    assert after == builds
