"""Cancelling from Python: a progress callback that raises, and Ctrl-C (SIGINT). The
running engine returns what it computed with status cancelled; later engines are skipped."""

import os
import signal
import threading
import time

import numpy as np

import dmftlab

# A DMFT still iterating whenever a cancel comes: slow damped steps towards a tolerance
# below round-off (as tests/test_dmft_status.cpp does).
ENDLESS = {
    "time.steps": 10,
    "dmft.paths": 400,
    "dmft.tangent_paths": 100,
    "dmft.replicas": 2,
    "dmft.tolerance": 1e-300,
    "dmft.noise_fraction": 0,
    "dmft.damping": 0.05,
    "dmft.max_iterations": 100000,
    "dmft.mixing_memory": 0,
    "dmft.warm_start": "none",  # iterations to cancel (a march is one pass, then converged)
    "sim.threads": 1,
}


class Stop(Exception):
    pass


def ctrl_c_after(seconds):
    """A progress callback that sends SIGINT `seconds` after the first report, as a user's
    Ctrl-C would arrive while the run is under way; returns (callback, timers)."""
    timers = []

    def progress(fraction, text):
        if not timers:
            timers.append(threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT)))
            timers[0].start()

    return progress, timers


def test_a_raising_callback_cancels_and_keeps_the_results():
    calls = []

    def progress(fraction, text):
        calls.append(text)
        if len(calls) == 3:
            raise Stop("enough")

    res = dmftlab.run(dmftlab.config("linear-regression", ENDLESS), engines=["dmft", "ode"], progress=progress)
    dmft, ode = res["dmft"], res["ode"]
    assert dmft.status == "cancelled"
    assert "Stop: enough" in res.interrupted and "Stop: enough" in dmft.message
    assert len(calls) == 3  # never called again once it raised
    assert 3 <= dmft.extra["iterations"] < 100000
    assert dmft.valid_points == 11 and np.all(np.isfinite(dmft.C_theta))
    assert ode.status == "skipped" and ode.valid_points == 0 and len(ode.t) == 0
    assert not res.ok and res.status == "cancelled"
    assert res.summary["engines"]["ode"] == {"status": "skipped", "message": "cancelled before it started"}


def test_ctrl_c_cancels_promptly_and_returns_what_was_computed():
    # The signal reaches the engine through PyErr_CheckSignals in the pump.
    progress, timers = ctrl_c_after(0.3)
    res = dmftlab.run(dmftlab.config("linear-regression", ENDLESS), engines=["dmft", "sgf"], progress=progress)
    timers[0].join()
    assert res.interrupted == "KeyboardInterrupt"
    assert res["dmft"].status == "cancelled"
    assert 1 <= res["dmft"].extra["iterations"] < 100000
    assert res["sgf"].status == "skipped"


def test_ctrl_c_cancels_a_simulation():
    progress, timers = ctrl_c_after(0.2)
    big = {"sim.dimension": 400, "sim.seeds": 200, "time.steps": 40, "sim.threads": 1}
    res = dmftlab.run(dmftlab.config("logistic-regression", big), engines=["sgf"], progress=progress)
    timers[0].join()
    r = res["sgf"]
    assert r.status == "cancelled" and res.interrupted == "KeyboardInterrupt"
    # What the seeds that ran computed comes back, cut to the points they reached.
    assert len(r.t) == r.valid_points and len(r.train_loss) == r.valid_points


def test_other_python_threads_run_while_an_engine_runs():
    # The engine and the pump's waits run without the GIL, and with no progress callback
    # the pump never runs Python code: only a thread that gets the GIL meanwhile can count
    # to 10000 and then stop the run with Ctrl-C. (Were the GIL held, the run would go on
    # to its 100000 iterations, about a minute, and the late SIGINT would fail the test.)
    def counter():
        time.sleep(0.5)  # lets the main thread enter run() (a wait without the GIL)
        count = 0
        while count < 10000:
            count += 1
        os.kill(os.getpid(), signal.SIGINT)

    t = threading.Thread(target=counter)
    cfg = dmftlab.config("linear-regression", ENDLESS)
    t.start()
    res = dmftlab.run(cfg, engines=["dmft"])
    t.join()
    assert res.interrupted == "KeyboardInterrupt"
    assert res["dmft"].status == "cancelled" and res["dmft"].extra["iterations"] < 100000
