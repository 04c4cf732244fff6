"""The result of dmftlab.sweep(): a family (one varied key) or a phase diagram (two) of
runs, reduced to scalars per point as ``dmftlab-cli sweep`` does.

``Sweep.table`` holds the columns of the CLI's ``sweep.csv`` (finished points in grid
order) with the same numbers, bit for bit; ``Sweep.values(scalar)`` lays a scalar out on
the grid ((n,) for a family, (n0, n1) for a phase diagram, NaN where a point is pending);
``Sweep.point(i, j)`` gives a point's full Results (curves, kernels) without copies.
"""

from collections import namedtuple

import numpy as np

from .results import Result, Results, _require_pandas

#: One varied key: ``key`` (dotted), ``label`` ("α", "τ", ... or the key), ``values``
#: (a list, in the order given), ``spacing`` ("list", "lin", "log"), ``text`` (as written).
Axis = namedtuple("Axis", "key label values spacing text")


class Sweep:
    """A finished (or cancelled) sweep.

    Attributes: ``status`` ("completed", "cancelled", "internal_error"), ``message``,
    ``interrupted`` (None, or what cancelled it: "KeyboardInterrupt" or the exception the
    progress callback raised), ``axes`` (list of Axis), ``keys``, ``shape`` ((n,) or
    (n0, n1)), ``engines``, ``scalars`` (names as given, the sweep.csv columns),
    ``scalar_labels``, ``spec`` (what the CLI's config.json calls "sweep": base tree, vary,
    engines, scalars), ``completed_points``, ``table`` (dict of sweep.csv's columns over the
    finished points: "point", the varied keys, each scalar and ``<scalar>_se`` as float64
    arrays, "status", "iterations" (NaN without dmft), "wall_seconds", "message").
    """

    def __init__(self, core):
        self._core = core
        self.status = core.status
        self.message = core.message
        self.interrupted = core.interruption or None
        self.axes = [Axis(**a) for a in core.axes]
        self.keys = [a.key for a in self.axes]
        n0, n1 = core.shape
        self.shape = (n0,) if len(self.axes) == 1 else (n0, n1)
        self.engines = list(core.engines)
        self.scalars = list(core.scalars)
        self.scalar_labels = list(core.scalar_labels)
        self.spec = core.spec
        self.completed_points = core.completed_points
        self.table = {}
        for name, col in core.table().items():
            if isinstance(col, list):  # varied values as numbers (or str); ids, status, message as object
                col = np.asarray(col) if name in self.keys else np.array(col, dtype=object)
            self.table[name] = col
        value, se = core.grid()
        self._value, self._se = value, se
        for a in (self._value, self._se):
            a.flags.writeable = False

    @property
    def ok(self):
        """True when every point was computed (a diverged point is a result too)."""
        return self.status == "completed"

    def __len__(self):
        return self._core.points

    def __repr__(self):
        grid = " x ".join(str(n) for n in self.shape)
        return (f"<Sweep {self.status}: {', '.join(self.keys)} ({grid}), {self.completed_points}/{len(self)} "
                f"points, engines {','.join(self.engines)}>")

    def _scalar_index(self, scalar):
        if scalar is None:
            return 0
        try:
            return self.scalars.index(scalar)
        except ValueError:
            raise KeyError(f"{scalar!r} is not a scalar of this sweep (scalars: {', '.join(self.scalars)})") \
                from None

    def values(self, scalar=None):
        """The scalar (default: the first) on the grid: an (n,) or (n0, n1) float64 array,
        axis 0 along the first varied key; NaN where a point is pending or the value
        undefined (an engine that did not finish)."""
        return self._value[:, self._scalar_index(scalar)].reshape(self.shape)

    def se(self, scalar=None):
        """The standard errors of values(scalar), laid out the same way."""
        return self._se[:, self._scalar_index(scalar)].reshape(self.shape)

    def done(self):
        """A boolean (n,) or (n0, n1) array: which points were computed."""
        return np.array([self._core.point(p)["done"] for p in range(len(self))]).reshape(self.shape)

    def _index(self, i, j):
        if len(self.axes) == 1:
            if j is not None:
                raise IndexError("a family has one index")
            j = 0
        elif j is None:
            raise IndexError("a phase diagram point needs two indices (i, j)")
        n0, n1 = self._core.shape
        if not (-n0 <= i < n0 and -n1 <= j < n1):
            raise IndexError(f"point ({i}, {j}) outside the {' x '.join(str(n) for n in self.shape)} grid")
        return (i % n0) * n1 + (j % n1)

    def info(self, i, j=None):
        """Point (i[, j]): a dict with id, i, j, label ("α = 2, τ = 0.5"), done, status
        ("pending" when not computed), message, iterations, wall_seconds, cached (every engine's
        result reused from an earlier point or sweep with the same settings for that engine)."""
        return self._core.point(self._index(i, j))

    def config(self, i, j=None):
        """The resolved configuration of point (i[, j]) (what ``dmftlab-cli run`` would
        write to config.json for it)."""
        from . import Config
        return Config(self._core.point_config(self._index(i, j)))

    def point(self, i, j=None):
        """The Results of point (i[, j]) (engine -> Result with curves and kernels, and the
        summary, as dmftlab.run() returns them for that configuration; the arrays view the
        sweep's results), or None when it is pending."""
        p = self._index(i, j)
        info = self._core.point(p)
        if not info["done"]:
            return None
        results, summary = self._core.point_results(p)
        return Results([Result(r) for r in results], self.config(i, j), summary, None)

    def to_pandas(self):
        """sweep.csv's table as a pandas DataFrame (needs pandas)."""
        return _require_pandas().DataFrame(self.table)
