"""Result classes of dmftlab.run(): one Result per engine, gathered in Results.

The arrays are read-only NumPy views of the C++ results (no copies); each keeps its
engine's result alive through its ``base``. Names and layout are those of the files
``dmftlab-cli`` writes: ``Result.curves`` holds the columns of ``<engine>_curves.csv``
and ``Result.kernels`` the matrices of ``<engine>_<kernel>.csv``, cut to the grid points
the engine computed.
"""

from collections.abc import Mapping

import numpy as np

#: Statuses of a run that reached its end (DMFT: converged).
FINISHED = ("completed", "converged")


def _require_pandas():
    try:
        import pandas
    except ImportError as e:
        raise ImportError(
            "to_pandas() needs pandas (Debian: apt install python3-pandas; "
            "or pip install pandas); the NumPy arrays work without it"
        ) from e
    return pandas


class _Table(Mapping):
    """Read-only name -> array mapping in file order."""

    def __init__(self, arrays):
        self._arrays = dict(arrays)

    def __getitem__(self, name):
        return self._arrays[name]

    def __iter__(self):
        return iter(self._arrays)

    def __len__(self):
        return len(self._arrays)


class Curves(_Table):
    """Per-time curves, name -> 1-D float64 array over the computed grid points:
    ``t``, ``train_loss``, ``test_loss``, ``test_error``, ``Q_a_b``, ``M_a_m``, each value
    followed by its standard error ``<name>_se`` (NaN where undefined)."""

    def __repr__(self):
        n = len(self._arrays.get("t", ()))
        return f"<Curves {n} points: {', '.join(self._arrays)}>"

    def to_pandas(self):
        """A pandas DataFrame with one column per curve (needs pandas)."""
        return _require_pandas().DataFrame(self._arrays)


class Kernels(_Table):
    """Kernels, name -> (n, n) float64 array K(t_i, t_j) over the computed grid points:
    ``C_theta`` (simulations and DMFT), ``C_g`` (simulations), ``R_theta``, ``C_u``,
    ``K`` (DMFT), each with ``<name>_se`` when estimated. For k > 1, ``<name>`` is the
    trace over units and ``<name>_a_b`` the blocks (1-based); ``blocks(name)`` stacks them."""

    def __init__(self, arrays, k):
        super().__init__(arrays)
        self._k = k

    def __repr__(self):
        return f"<Kernels {', '.join(self._arrays)}>"

    def blocks(self, name):
        """The k x k blocks of kernel ``name`` (or ``name_se``) as one (k, k, n, n) array
        (a copy). For k = 1 a (1, 1, n, n) array of the kernel itself."""
        base, se = (name[:-3], "_se") if name.endswith("_se") else (name, "")
        if self._k == 1:
            return self._arrays[name][np.newaxis, np.newaxis].copy()
        rows = [[self._arrays[f"{base}_{a}_{b}{se}"] for b in range(1, self._k + 1)]
                for a in range(1, self._k + 1)]
        return np.array(rows)


class Result:
    """One engine's result.

    Attributes: ``engine``, ``status`` (completed, converged, max_iterations, diverged,
    cancelled, invalid_input, internal_error, or skipped when a cancel came before it
    started), ``message``, ``wall_seconds``, ``extra`` (everything else summary.json says
    of the engine: grid, sizes, tau, epochs, DMFT iterations and final residual, the
    engine's own entries), ``valid_points`` (grid points computed), ``k``, ``k_star``,
    ``curves`` (Curves), ``errors`` (Curves: the parts of the standard errors, the columns
    of ``<engine>_errors.csv``: ``<quantity>_se_mc`` Monte-Carlo, ``<quantity>_truncation``
    fixed-point truncation, ``<quantity>_discretisation`` time-step bias; empty for engines
    that do not estimate them), ``kernels`` (Kernels), ``residuals`` (DMFT fixed-point
    residual per iteration). Curves and kernels are also attributes: ``r.t``, ``r.test_loss``,
    ``r.C_theta``.
    """

    def __init__(self, core):
        self._core = core
        self.engine = core.engine
        self.status = core.status
        self.message = core.message
        self.wall_seconds = core.wall_seconds
        self.valid_points = core.valid_points
        self.grid_points = core.grid_points
        self.k = core.k
        self.k_star = core.k_star
        self.extra = core.extra
        self.curves = Curves(core.curves())
        self.errors = Curves(core.errors())
        self.kernels = Kernels(core.kernels(), core.k)
        self.residuals = core.residuals()

    @property
    def ok(self):
        """True when the engine reached its end (completed, or the DMFT converged)."""
        return self.status in FINISHED

    def __getattr__(self, name):
        # Only called for names that are not attributes: curves and kernels by name.
        for table in ("curves", "kernels"):
            values = self.__dict__.get(table)
            if values is not None and name in values:
                return values[name]
        raise AttributeError(f"{type(self).__name__} of {self.__dict__.get('engine')!r} "
                             f"has no attribute, curve or kernel {name!r}")

    def __repr__(self):
        text = f"<Result {self.engine}: {self.status}, {self.valid_points}/{self.grid_points} points, "
        text += f"{self.wall_seconds:.2f} s"
        return text + (f"; {self.message}>" if self.message else ">")


class Results(Mapping):
    """The results of dmftlab.run(), engine name -> Result in the order run.

    ``config`` is the resolved configuration they ran with; ``summary`` what the CLI's
    summary.json would say (overall ``status``: completed, not_converged, diverged,
    cancelled, ...; per engine entries; no files); ``status`` is summary["status"];
    ``interrupted`` is None, or what cancelled the run ("KeyboardInterrupt", or the
    exception a progress callback raised); ``ok`` is True when every engine reached its end."""

    def __init__(self, results, config, summary, interrupted):
        self._results = {r.engine: r for r in results}
        self.config = config
        self.summary = summary
        self.status = summary["status"]
        self.interrupted = interrupted or None

    def __getitem__(self, engine):
        return self._results[engine]

    def __iter__(self):
        return iter(self._results)

    def __len__(self):
        return len(self._results)

    def __repr__(self):
        inner = ", ".join(f"{e}: {r.status}" for e, r in self._results.items())
        return f"<Results {self.status}: {inner}>"

    @property
    def ok(self):
        return all(r.ok for r in self._results.values())

    def to_pandas(self):
        """All engines' curves in one long DataFrame with an ``engine`` column."""
        pandas = _require_pandas()
        frames = []
        for engine, r in self._results.items():
            frame = r.curves.to_pandas()
            frame.insert(0, "engine", engine)
            frames.append(frame)
        return pandas.concat(frames, ignore_index=True)
