"""Running engines from Python: every engine on a tiny problem, the arrays (shapes,
dtypes, read-only views that keep their result alive), progress, bad input."""

import gc
import sys
import threading

import numpy as np
import pytest

import dmftlab

KERNELS = {
    "sgd": {"C_theta", "C_g"},
    "sgf": {"C_theta", "C_g"},
    "online": {"C_theta"},
    "dmft": {"C_theta", "R_theta", "C_u", "K"},
    "ode": {"C_theta"},
}


@pytest.fixture(scope="module")
def tiny_runs(tiny):
    cfg = dmftlab.config("logistic-regression", tiny)
    return dmftlab.run(cfg, engines=dmftlab.ENGINES)


@pytest.mark.parametrize("engine", ["sgd", "sgf", "online", "dmft", "ode"])
def test_every_engine_runs_a_tiny_problem(tiny_runs, tiny, engine):
    r = tiny_runs[engine]
    n = tiny["time.steps"] + 1
    assert r.ok, (r.status, r.message)
    assert r.valid_points == r.grid_points == n
    assert r.wall_seconds > 0
    cols = list(r.curves)
    assert cols[:7] == ["t", "train_loss", "train_loss_se", "test_loss", "test_loss_se",
                        "test_error", "test_error_se"]
    assert cols[7:] == ["Q_1_1", "Q_1_1_se", "M_1_1", "M_1_1_se"]
    np.testing.assert_allclose(r.t, np.linspace(0, tiny["time.horizon"], n), rtol=0, atol=1e-15)
    assert np.all(np.isfinite(r.test_loss)) and np.all(r.Q_1_1 > 0)
    assert {name for name in r.kernels if not name.endswith("_se")} == KERNELS[engine]
    for name, a in list(r.curves.items()) + list(r.kernels.items()):
        assert a.dtype == np.float64, name
        assert a.shape == ((n,) if name in r.curves else (n, n)), name
        assert not a.flags.writeable, name
    for name, a in r.kernels.items():
        assert a.base is not None and not a.flags.owndata, name  # a view, not a copy


def test_dmft_reports_iterations_and_residuals(tiny_runs):
    assert tiny_runs.status == "completed" and tiny_runs.ok
    r = tiny_runs["dmft"]
    assert r.status == "converged"
    assert r.extra["iterations"] == len(r.residuals) >= 1  # 1: marched, then checked once
    assert r.extra["final_residual"] == r.residuals[-1] < 1e-3
    assert np.all(np.isfinite(r.kernels["K_se"]))


def test_arrays_outlive_their_results(tiny):
    res = dmftlab.run(dmftlab.config("linear-regression", tiny), engines=["ode"])
    kernel, loss = res["ode"].C_theta, res["ode"].train_loss
    expected_kernel, expected_loss = kernel.copy(), loss.copy()
    assert kernel.base is not None
    del res
    gc.collect()
    np.testing.assert_array_equal(kernel, expected_kernel)
    np.testing.assert_array_equal(loss, expected_loss)
    with pytest.raises(ValueError):
        kernel[0, 0] = 1.0  # read-only: results are shared snapshots


def test_committee_kernels_per_block(tiny):
    res = dmftlab.run(dmftlab.config("committee-erf", tiny), engines=["dmft"])
    r = res["dmft"]
    assert r.k == r.k_star == 2
    assert [c for c in r.curves if c.startswith(("Q_", "M_")) and not c.endswith("_se")] == \
        ["Q_1_1", "Q_1_2", "Q_2_1", "Q_2_2", "M_1_1", "M_1_2", "M_2_1", "M_2_2"]
    n = r.valid_points
    for name in ["C_theta", "R_theta", "C_u", "K"]:
        blocks = r.kernels.blocks(name)
        assert blocks.shape == (2, 2, n, n)
        np.testing.assert_array_equal(blocks[0, 1], r.kernels[f"{name}_1_2"])
        assert r.kernels.blocks(name + "_se").shape == (2, 2, n, n)
    # For k > 1 the unsuffixed kernel is the trace over units, as in the CLI's files.
    np.testing.assert_allclose(r.C_theta, r.kernels["C_theta_1_1"] + r.kernels["C_theta_2_2"], rtol=1e-14)


def test_progress_runs_in_the_calling_thread(tiny):
    calls = []

    def progress(fraction, text):
        calls.append((threading.get_ident(), fraction, text))

    res = dmftlab.run(dmftlab.config("linear-regression", tiny), engines=["sgf", "dmft"], progress=progress)
    assert res.ok and calls
    assert {ident for ident, _, _ in calls} == {threading.get_ident()}
    assert all(0.0 <= f <= 1.0 for _, f, _ in calls)
    for engine in ("sgf", "dmft"):
        lines = [(f, t) for _, f, t in calls if t.startswith(engine + " ")]
        assert lines, engine
        assert lines[-1][0] == 1.0 and lines[-1][1].startswith(f"{engine} 100%  ")


def test_to_pandas(tiny_runs, monkeypatch):
    r = tiny_runs["sgf"]
    try:
        import pandas  # noqa: F401
    except ImportError:
        pandas = None
    if pandas is not None:
        frame = r.curves.to_pandas()
        assert list(frame.columns) == list(r.curves)
        np.testing.assert_array_equal(frame["test_loss"].to_numpy(), r.test_loss)
        assert list(tiny_runs.to_pandas()["engine"].unique()) == list(dmftlab.ENGINES)
    # Without pandas the arrays still work and to_pandas() says what it needs.
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pandas"):
        r.curves.to_pandas()


@pytest.mark.parametrize("engines, overrides, words", [
    (["sgf", "bogus"], {}, "unknown engine 'bogus'"),
    (["sgf", "sgf"], {}, "given twice"),
    ([], {}, "engines"),
    (["sgd"], {"optimizer.tau": 0.1}, "tau"),
    (["dmft"], {"time.steps": 5000}, "time.steps"),
])
def test_bad_runs_raise_before_running(tiny, engines, overrides, words):
    cfg = dmftlab.config("linear-regression", {**tiny, **overrides})
    with pytest.raises(dmftlab.ConfigError, match=words):
        dmftlab.run(cfg, engines=engines)


def test_a_bad_config_dict_raises_naming_the_key(tiny):
    cfg = dmftlab.config("linear-regression", tiny)
    cfg["sim"]["seeds"] = -2
    with pytest.raises(ValueError, match="sim.seeds"):
        dmftlab.run(cfg, engines=["sgf"])
    with pytest.raises(TypeError):
        dmftlab.run(dmftlab.config("linear-regression", tiny), engines=["ode"], progress=5)


def test_runs_from_another_python_thread(tiny):
    # The progress callback runs in whichever thread called run(), here not the main one.
    seen, out = [], {}

    def worker():
        out["res"] = dmftlab.run(dmftlab.config("linear-regression", tiny), engines=["ode"],
                                 progress=lambda f, text: seen.append(threading.get_ident()))
        out["ident"] = threading.get_ident()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert out["res"].ok and seen and set(seen) == {out["ident"]}


def test_a_diverging_run_returns_what_it_computed(tiny):
    cfg = dmftlab.config("phase-retrieval", {**tiny, "optimizer.tau": 50.0, "optimizer.taming": "off",
                                             "time.horizon": 20.0})
    res = dmftlab.run(cfg, engines=["sgf", "dmft"])
    sgf, dmft = res["sgf"], res["dmft"]
    assert sgf.status == dmft.status == res.status == "diverged" and not res.ok
    assert "optimizer.tau" in sgf.message and "optimizer.tau" in dmft.message
    assert 0 < sgf.valid_points < sgf.grid_points
    assert len(sgf.t) == len(sgf.train_loss) == sgf.valid_points
    assert sgf.kernels["C_theta"].shape == (sgf.valid_points, sgf.valid_points)
