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
/// [{key, type, default, doc, label, range, choices, min, max}] for every config key, in
/// the schema's order (core/config/schema.h).
pybind11::list schemaList();

/// Resolves as `dmftlab-cli run --preset P --config FILE --set k=v ...` does (the one
/// core resolveConfig): `preset` (a name or None), `base` (a config dict or None; its
/// "preset" names the defaults when `preset` is None) and `settings` (a list of (dotted
/// key, value) pairs, applied in order). Throws InputError with every problem and its keys.
/// `tree`, when given, receives the merged tree before validation (resolveConfig's).
RunConfig resolvePythonConfig(
    pybind11::handle preset, pybind11::handle base, pybind11::handle settings, json *tree = nullptr);

/// The resolved config as the CLI's config.json content (with "derived").
pybind11::object configTree(const RunConfig &config);

} // namespace dmftlab::python
