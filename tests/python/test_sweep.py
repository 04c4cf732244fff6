"""Sweeps from Python: the numbers of dmftlab-cli sweep's sweep.csv bit for bit, the
grammar and Python lists alike, point results equal to single runs, progress, cancel, bad
input raising before anything runs."""

import csv
import json
import os
import signal
import subprocess
import threading

import numpy as np
import pytest

import dmftlab
from conftest import TINY
from test_cli_equality import same_bits

# Tiny DMFT points (each well under a second).
TINY_SWEEP = {
    **{key: value for key, value in TINY.items() if key != "time.horizon"},  # the preset's horizon
    "dmft.continuous_time": "off",
}


def read_sweep_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_a_phase_diagram_equals_the_clis_sweep_csv(cli, tmp_path):
    vary = {"data.alpha": "lin:0.5:2:2", "optimizer.tau": [0.1, 0.3]}
    engines = ["sgf", "dmft"]
    scalars = ["final_test_loss", "dmft_sim_gap", "min_test_loss_time@sgf", "final_Q_1_1"]
    sw = dmftlab.sweep("logistic-regression", vary, engines=engines, scalars=scalars, overrides=TINY_SWEEP)
    assert sw.ok and sw.status == "completed" and sw.interrupted is None
    assert sw.shape == (2, 2) and len(sw) == sw.completed_points == 4
    assert sw.keys == ["data.alpha", "optimizer.tau"] and sw.scalars == scalars
    assert sw.axes[0].label == "α" and sw.axes[0].spacing == "lin" and sw.axes[1].values == [0.1, 0.3]

    args = [cli, "sweep", "--preset", "logistic-regression", "--out", str(tmp_path / "cli"), "-q",
            "--engine", ",".join(engines), "--scalar", ",".join(scalars),
            "--vary", "data.alpha=lin:0.5:2:2", "--vary", "optimizer.tau=0.1,0.3"]
    for key, value in TINY_SWEEP.items():
        args += ["--set", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    subprocess.run(args, check=True, capture_output=True)
    header, rows = read_sweep_csv(tmp_path / "cli" / "sweep.csv")
    assert header == list(sw.table)
    assert len(rows) == 4
    for c, name in enumerate(header):
        column = [row[c] for row in rows]
        mine = sw.table[name]
        if name in ("point", "status"):
            assert column == list(mine), name
        elif name == "message":
            assert column == [m.replace(",", ";") for m in mine]
        elif name != "wall_seconds":  # the only column that differs between two runs
            same_bits(mine, [float(v) if v else np.nan for v in column], name)
    # The grid layout: values(s)[i, j] is the point with alpha_i and tau_j.
    alpha, tau = sw.table["data.alpha"], sw.table["optimizer.tau"]
    grid = sw.values("final_test_loss")
    for row in range(4):
        i = sw.axes[0].values.index(alpha[row])
        j = sw.axes[1].values.index(tau[row])
        same_bits(grid[i, j], sw.table["final_test_loss"][row], "grid")
        same_bits(sw.se()[i, j], sw.table["final_test_loss_se"][row], "grid se")
    assert np.all(sw.done())


def test_lists_and_the_grammar_give_the_same_points():
    cfg = {"preset": "linear-regression", "time": {"steps": 10}}
    by_text = dmftlab.sweep(cfg, "data.alpha=0.5,2", engines="ode", scalars=["final_test_loss"])
    by_list = dmftlab.sweep(cfg, {"data.alpha": [0.5, 2.0]}, engines=["ode"])
    by_array = dmftlab.sweep(cfg, [("data.alpha", np.array([0.5, 2.0]))], engines=["ode"])
    for other in (by_list, by_array):
        same_bits(other.values(), by_text.values(), "values")
        assert list(other.table["data.alpha"]) == [0.5, 2.0]
    # Integer keys stay integers; string values work as in --vary optimizer.taming=off,on.
    sw = dmftlab.sweep(cfg, {"sim.seeds": "lin:2:4:3", "optimizer.taming": ["off", "on"]},
                       engines=["ode"], scalars=["final_test_error"])
    assert sw.axes[0].values == [2, 3, 4] and sw.axes[1].values == ["off", "on"]
    assert sw.config(2, 1)["sim"]["seeds"] == 4 and sw.config(2, 1)["optimizer"]["taming"] == "on"
    assert sw.info(0, 1)["label"] == "sim.seeds = 2, optimizer.taming = on"


def test_a_point_is_the_single_run_of_its_config(tiny):
    sw = dmftlab.sweep("committee-erf", {"optimizer.tau": [0.2, 0.4]}, engines=["sgf", "ode"],
                       overrides=tiny)
    res = sw.point(1)
    assert list(res) == ["sgf", "ode"] and res.status == "completed"
    assert res.config["optimizer"]["tau"] == 0.4
    single = dmftlab.run(sw.config(1), engines=["sgf", "ode"])
    for engine in ("sgf", "ode"):
        a, b = res[engine], single[engine]
        for name in b.curves:
            same_bits(a.curves[name], b.curves[name], f"{engine} {name}")
        for name in b.kernels:
            same_bits(a.kernels[name], b.kernels[name], f"{engine} {name}")
        assert not a.test_loss.flags.writeable and a.test_loss.base is not None  # a view
    assert sw.values()[1] == res["sgf"].test_loss[-1]  # final_test_loss of the first engine


class Stop(Exception):
    pass


# A DMFT point that iterates until it is cancelled (a tolerance below round-off).
SLOW = {**TINY_SWEEP, "dmft.tolerance": 1e-300, "dmft.noise_fraction": 0, "dmft.damping": 0.05, "dmft.mixing_memory": 0,
        "dmft.max_iterations": 100000}


def test_a_raising_callback_cancels_and_keeps_the_finished_points():
    calls = []

    def progress(fraction, text):
        calls.append((threading.get_ident(), fraction, text))
        if "point 2/" in text:
            raise Stop("enough")

    # The first point (computed first: the ends come first) stops after 5 iterations; the
    # second would iterate on and on.
    sw = dmftlab.sweep("linear-regression", {"dmft.max_iterations": [5, 100000]}, overrides=SLOW,
                       progress=progress)
    assert sw.status == "cancelled" and not sw.ok
    assert "Stop: enough" in sw.interrupted
    assert {ident for ident, _, _ in calls} == {threading.get_ident()}
    assert all(0 <= f <= 1 for _, f, _ in calls) and calls[0][2].startswith("sweep ")
    assert sw.completed_points == 1 and list(sw.table["point"]) == ["p000"]
    assert list(sw.done()) == [True, False]
    assert np.isfinite(sw.values()[0]) and np.isnan(sw.values()[1])
    assert sw.point(1) is None and sw.info(1)["status"] == "pending"


def test_ctrl_c_cancels_a_sweep_promptly():
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    sw = dmftlab.sweep("linear-regression", {"data.alpha": [1.0, 2.0]}, overrides=SLOW)
    timer.join()
    assert sw.status == "cancelled" and sw.interrupted == "KeyboardInterrupt"
    assert sw.completed_points == 0 and len(sw.table["point"]) == 0


@pytest.mark.parametrize("vary, kwargs, words", [
    ({"data.alfa": [1, 2]}, {}, "unknown key 'data.alfa'"),
    ({"data.alpha": "lin:1:2"}, {}, "lin:FROM:TO:COUNT"),
    ({"data.alpha": [1, 1]}, {}, "given twice"),
    ({"data.alpha": [1, -2]}, {}, "data.alpha"),
    ({"sim.seeds": "lin:2:3:5"}, {}, "integer"),
    ({"data.alpha": [1], "time.steps": [5], "sim.seeds": [2]}, {}, "one or two"),
    ({"data.alpha": [1]}, {"engines": ["dmft", "bogus"]}, "unknown engine 'bogus'"),
    ({"data.alpha": [1]}, {"scalars": ["final_nothing"]}, "final_nothing"),
    ({"data.alpha": [1]}, {"overrides": {"sim.seeds": -1}}, "sim.seeds"),
    ("data.alpha", {}, "KEY=VALUES"),
])
def test_bad_sweeps_raise_before_running(vary, kwargs, words):
    calls = []
    with pytest.raises(dmftlab.ConfigError, match=words):
        dmftlab.sweep("linear-regression", vary, progress=lambda f, t: calls.append(t), **kwargs)
    assert not calls


def test_an_unknown_key_is_named_in_keys():
    with pytest.raises(dmftlab.ConfigError) as e:
        dmftlab.sweep("linear-regression", {"data.alfa": [1, 2]})
    assert e.value.keys == ["data.alfa"]
    with pytest.raises(TypeError):
        dmftlab.sweep("linear-regression", {"data.alpha": 3})


def test_sweep_to_pandas():
    pandas = pytest.importorskip("pandas")
    sw = dmftlab.sweep({"preset": "linear-regression", "time": {"steps": 10}}, {"data.alpha": [1, 2, 3]},
                       engines=["ode"], scalars=["final_test_loss", "final_Q_1_1"])
    frame = sw.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["point", "data.alpha", "final_test_loss", "final_test_loss_se",
                                   "final_Q_1_1", "final_Q_1_1_se", "status", "iterations",
                                   "wall_seconds", "message"]
    np.testing.assert_array_equal(frame["final_Q_1_1"].to_numpy(), sw.values("final_Q_1_1"))
    assert frame["iterations"].isna().all()  # no dmft in the sweep
    assert dict(dmftlab.sweep_scalars())["final_test_loss"]
