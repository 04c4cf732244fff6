"""DMFT Lab from Python: finite-d simulations of multi-pass SGD and stochastic gradient
flow, and their d -> infinity dynamical mean-field theory, on the same C++ core as the
``dmftlab`` program and ``dmftlab-cli``.

    import dmftlab
    cfg = dmftlab.config("logistic-regression", {"sim.seeds": 4})
    res = dmftlab.run(cfg, engines=["sgf", "dmft"], progress=lambda f, text: print(text))
    dmft = res["dmft"]
    dmft.t, dmft.test_loss, dmft.test_loss_se, dmft.kernels["C_theta"]
    fam = dmftlab.sweep("logistic-regression", {"data.alpha": "lin:0.5:4:8"})
    fam.values("final_test_loss"), fam.se("final_test_loss"), fam.to_pandas()

Configurations are the nested dicts of the CLI's ``config.json``; they resolve exactly as
``dmftlab-cli run --preset P --config FILE --set key=value`` does, and the same
configuration gives bitwise the same numbers as the CLI (and a sweep the same numbers as
``dmftlab-cli sweep``'s sweep.csv).
"""

from collections.abc import Mapping

from . import _core
from ._core import ConfigError, __version__
from .results import Curves, Kernels, Result, Results
from .sweeps import Axis, Sweep

__all__ = ["__version__", "ConfigError", "Config", "Curves", "Kernels", "Result", "Results", "Axis", "Sweep",
           "ENGINES", "config", "presets", "run", "schema", "sweep", "sweep_scalars"]

ConfigError.__module__ = __name__

#: Engine names: sgd, sgf, online (finite-d simulations), dmft (d = infinity), ode (alpha -> infinity).
ENGINES = tuple(_core.engines())


class Config(dict):
    """A resolved configuration: the nested dict the CLI writes to config.json, with a
    "derived" section (tau, epochs, n, dt, taming) that is informational only.
    ``cfg["data.alpha"]`` reads a dotted key as ``cfg["data"]["alpha"]`` does. Change
    it with ``dmftlab.config(cfg, {"data.alpha": 3})``, which validates."""

    def __getitem__(self, key):
        if isinstance(key, str) and "." in key and not dict.__contains__(self, key):
            node = self
            for part in key.split("."):
                if not isinstance(node, dict) or part not in node:
                    raise KeyError(key)
                node = dict.__getitem__(node, part)
            return node
        return dict.__getitem__(self, key)


def presets():
    """The named presets: a list of dicts with name, title, description and parameters
    (the dotted keys the preset sets over the defaults)."""
    return _core.presets()


def schema():
    """Every configuration key: a list of dicts with key (dotted), type, default and doc."""
    return _core.schema()


def _flatten(mapping, prefix, out):
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise ConfigError(f"{prefix or 'config'}: keys must be strings, got {key!r}")
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping) and len(value) > 0:
            _flatten(value, dotted, out)
        else:
            out.append((dotted, dict(value) if isinstance(value, Mapping) else value))
    return out


def config(preset=None, overrides=None, /, **kwargs):
    """Resolves a configuration as the CLI does: preset -> base -> overrides -> checks.

    ``preset``: a preset name (see presets()), a config dict to start from (like
    ``--config FILE``: its "preset" key, if any, provides the defaults), or None for the
    built-in defaults. ``overrides``: a dict of dotted keys (``{"sim.seeds": 4}``) or
    nested ones (``{"sim": {"seeds": 4}}``), applied in order like ``--set``. Keyword
    arguments are overrides too: ``sim={"seeds": 4}`` or ``sim__seeds=4`` (``__`` for a dot).

    Returns a Config; raises ConfigError (a ValueError) naming the key on bad input.
    """
    name, base, settings = _base(preset, overrides)
    _flatten({k.replace("__", "."): v for k, v in kwargs.items()}, "", settings)
    return Config(_core.resolve(name, base, settings))


def run(config, engines=("sgf", "dmft"), progress=None):
    """Runs engines one after the other on a configuration and returns Results.

    ``config``: a Config (from dmftlab.config), any config dict, or a preset name.
    ``engines``: names from ENGINES, as a list or "sgf,dmft". ``progress``: None or
    ``progress(fraction, text)``, called in the calling thread with each engine's reports
    (``text`` is the line dmftlab-cli prints, e.g. "dmft 40%  DMFT iteration 4, ...").

    The engines run in C++ threads with the GIL released. Ctrl-C (KeyboardInterrupt) or
    an exception raised by ``progress`` cancels: the running engine returns what it
    computed with status "cancelled", later engines are "skipped", and
    ``Results.interrupted`` says why. Bad input raises ConfigError (a ValueError) before
    anything runs.
    """
    if isinstance(config, str):
        config = _core.resolve(config, None, [])
    elif not isinstance(config, Mapping):
        raise TypeError(f"config must be a config dict or a preset name, not {type(config).__name__}")
    engines = _engine_list(engines)
    resolved = Config(_core.resolve(None, dict(config), []))
    core_results, summary, interrupted = _core.run(resolved, engines, progress)
    return Results([Result(r) for r in core_results], resolved, summary, interrupted)


def _engine_list(engines):
    if isinstance(engines, str):
        return [e.strip() for e in engines.split(",") if e.strip()]
    return list(engines)


def _base(config, overrides):
    """(preset name, base tree, [(dotted key, value)]) of a preset-or-dict argument and its
    overrides, as the core resolves them (preset -> tree -> settings)."""
    name, base = None, None
    if isinstance(config, str):
        name = config
    elif isinstance(config, Mapping):
        base = dict(config)
    elif config is not None:
        raise TypeError(f"preset must be a preset name, a config dict or None, not {type(config).__name__}")
    settings = []
    if overrides is not None:
        if not isinstance(overrides, Mapping):
            raise TypeError(f"overrides must be a dict, not {type(overrides).__name__}")
        _flatten(overrides, "", settings)
    return name, base, settings


def _axes(vary):
    """[(key, "VALUES" | list)] from a dict {key: values}, a "KEY=VALUES" string or a list
    of such strings or (key, values) pairs."""
    if isinstance(vary, str):
        vary = [vary]
    items = vary.items() if isinstance(vary, Mapping) else vary
    axes = []
    for item in items:
        if isinstance(item, str):
            key, eq, values = item.partition("=")
            if not eq:
                raise ConfigError(f"vary expects KEY=VALUES (a,b,c | lin:FROM:TO:COUNT | log:FROM:TO:COUNT), "
                                  f"got {item!r}")
        else:
            key, values = item
        if not isinstance(key, str):
            raise TypeError(f"vary: keys are dotted config keys (str), not {type(key).__name__}")
        if not isinstance(values, str):
            if isinstance(values, Mapping) or not hasattr(values, "__iter__"):
                raise TypeError(f"vary {key}: values are a list or a 'a,b,c' / 'lin:FROM:TO:COUNT' / "
                                f"'log:FROM:TO:COUNT' string, not {type(values).__name__}")
            values = list(values.tolist() if hasattr(values, "tolist") else values)
        axes.append((key, values))
    return axes


def sweep(config, vary, engines=("dmft",), scalars=("final_test_loss",), progress=None, overrides=None):
    """Runs a family (one varied key) or a phase diagram (two) as ``dmftlab-cli sweep``
    does and returns a Sweep.

    ``config``: a preset name, a config dict to start from (like ``--config``; a sparse
    dict such as ``{"preset": "logistic-regression", "sim": {"seeds": 2}}`` leaves the
    other keys to follow the varied ones, a full resolved Config fixes them all) or None.
    ``overrides``: dotted or nested keys applied like ``--set``.
    ``vary``: ``{"data.alpha": "lin:0.5:4:8"}`` (the --vary grammar: ``a,b,c``,
    ``lin:FROM:TO:COUNT``, ``log:FROM:TO:COUNT``; integer keys get integer values) or
    ``{"data.alpha": [0.5, 1, 2]}`` (a Python list or NumPy array), one or two keys in
    order; also ``"data.alpha=lin:0.5:4:8"`` or a list of such strings.
    ``engines``: run at every point (default dmft). ``scalars``: what each point is reduced
    to (default final_test_loss; see sweep_scalars(), ``NAME@ENGINE`` picks the engine).
    ``progress``: None or ``progress(fraction, text)`` in the calling thread, with the
    sweep's overall fraction ("sweep 40%  point 4/8 (α = 2) dmft: DMFT iteration 3, ...").

    Every point is resolved and checked before anything runs (a bad key, value, engine or
    scalar, too many points or too much memory or time raise ConfigError). Points run most
    informative first (ends, then midpoints; a phase diagram coarse to fine). Ctrl-C or an
    exception raised by ``progress`` cancels: the sweep returns with status "cancelled",
    the finished points computed and the one under way pending.
    """
    name, base, settings = _base(config, overrides)
    core = _core.sweep(name, base, settings, _axes(vary), _engine_list(engines), list(scalars), progress)
    return Sweep(core)


def sweep_scalars():
    """The scalars a sweep can reduce a point to: a list of (name, meaning)."""
    return _core.sweep_scalars()
