// The configuration side of the Python module: presets, the config schema and the one
// resolution the CLI uses (preset -> config tree -> dotted settings -> validation), with
// Python values in and out (dicts in the shape of the CLI's config.json).
#pragma once

#include "config/config.h"

#include <pybind11/pybind11.h>

namespace dmftlab::python
{

/// [{name, title, description, parameters: {dotted key: value}}] in preset order.
pybind11::list presetList();
/// [{key, type, default, doc, ...}] for every config key, in schema order.
pybind11::list schemaList();

/// Resolves as `dmftlab-cli run --preset P --config FILE --set k=v ...` does: `preset`
/// (a name or None), `base` (a config dict or None; its "preset" names the defaults when
/// `preset` is None) and `settings` (a list of (dotted key, value) pairs, applied in
/// order). Throws InputError naming the key.
RunConfig resolveConfig(pybind11::handle preset, pybind11::handle base, pybind11::handle settings);

/// The resolved config as the CLI's config.json content (with "derived").
pybind11::object configTree(const RunConfig &config);

} // namespace dmftlab::python
