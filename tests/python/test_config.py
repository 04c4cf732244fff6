"""Configuration from Python: presets, schema, resolution as the CLI's, errors naming keys."""

import json
import subprocess

import numpy as np
import pytest

import dmftlab


def flat(tree, prefix=""):
    out = {}
    for key, value in tree.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flat(value, dotted))
        else:
            out[dotted] = value
    return out


def test_presets_resolve_to_their_parameters():
    presets = dmftlab.presets()
    names = [p["name"] for p in presets]
    assert {"linear-regression", "logistic-regression", "phase-retrieval", "committee-erf"} <= set(names)
    for p in presets:
        assert p["title"] and p["description"]
        cfg = dmftlab.config(p["name"])
        assert cfg["preset"] == p["name"]
        for key, value in p["parameters"].items():
            if key != "init.m0":  # a number there fills the k x k* matrix
                assert cfg[key] == value, (p["name"], key)


def test_schema_lists_every_key_once():
    schema = dmftlab.schema()
    keys = [f["key"] for f in schema]
    assert len(keys) == len(set(keys))
    defaults = flat({k: v for k, v in dmftlab.config().items() if k != "derived"})
    assert set(keys) == set(defaults)
    for field in schema:
        assert field["default"] == defaults[field["key"]], field["key"]
        assert field["type"] in ("int", "number", "string", "number|null", "number|matrix", "list"), field
        assert field["doc"] and field["label"], field["key"]
    by_key = {f["key"]: f for f in schema}
    assert by_key["model.loss"]["choices"] == ["square", "logistic"]
    assert by_key["time.steps"]["type"] == "int" and by_key["time.steps"]["min"] >= 1


def test_schema_matches_the_clis_help(cli):
    help_text = subprocess.run([cli, "--help"], check=True, capture_output=True, text=True).stdout
    for field in dmftlab.schema():
        assert f"  {field['key']} " in help_text, field["key"]


def test_override_forms_agree():
    a = dmftlab.config("linear-regression", {"sim.seeds": 3, "data.alpha": 1.5})
    b = dmftlab.config("linear-regression", {"sim": {"seeds": 3}, "data": {"alpha": 1.5}})
    c = dmftlab.config("linear-regression", sim={"seeds": 3}, data={"alpha": 1.5})
    d = dmftlab.config("linear-regression", sim__seeds=3, data__alpha=1.5)
    assert a == b == c == d
    assert a["sim"]["seeds"] == 3 and a["data.alpha"] == 1.5
    assert a["derived"]["samples"] == round(1.5 * a["sim.dimension"]) or "samples" not in a["derived"]


def test_numpy_values_are_accepted():
    a = dmftlab.config("committee-erf", {"sim.seeds": np.int64(3), "data.alpha": np.float32(0.5),
                                          "init.m0": np.full((2, 2), 0.125)})
    b = dmftlab.config("committee-erf", {"sim.seeds": 3, "data.alpha": 0.5, "init.m0": [[0.125, 0.125], [0.125, 0.125]]})
    assert a == b


def test_config_round_trips_and_keeps_its_preset():
    cfg = dmftlab.config("phase-retrieval", {"sim.seeds": 2})
    assert dmftlab.config(cfg) == cfg
    changed = dmftlab.config(cfg, {"data.alpha": 3.0})
    assert changed["preset"] == "phase-retrieval" and changed["data"]["alpha"] == 3.0
    assert changed["model"] == cfg["model"]


def test_a_base_naming_a_preset_takes_its_defaults():
    # As `dmftlab-cli run --config FILE` with {"preset": ...} in FILE.
    cfg = dmftlab.config({"preset": "phase-retrieval", "sim": {"seeds": 2}})
    assert cfg == dmftlab.config("phase-retrieval", {"sim.seeds": 2})


@pytest.mark.parametrize("args, key", [
    (("linear-regression", {"sim.seedz": 3}), "sim.seedz"),
    (("linear-regression", {"sim.seeds": "many"}), "sim.seeds"),
    (("linear-regression", {"data.alpha": -1.0}), "data.alpha"),
    (("linear-regression", {"model.activation": "sine"}), "model.activation"),
    (("linear-regression", {"time.steps": 2 ** 70}), "time.steps"),
    (("linear-regression", {"sim.seed": object()}), "sim.seed"),
    (("no-such-preset",), "no-such-preset"),
    (({"sim": {"seeds": 0}},), "sim.seeds"),
])
def test_bad_input_raises_a_value_error_naming_the_key(args, key):
    with pytest.raises(dmftlab.ConfigError) as info:
        dmftlab.config(*args)
    assert isinstance(info.value, ValueError)
    assert key in str(info.value)
    if key != "no-such-preset":
        assert key in info.value.keys


def test_every_problem_is_reported_with_its_keys():
    with pytest.raises(dmftlab.ConfigError) as info:
        dmftlab.config("linear-regression", {"data.alpha": -1.0, "sim.seeds": 0})
    assert {"data.alpha", "sim.seeds"} <= set(info.value.keys)
    assert len(info.value.errors) >= 2 and all(e["message"] for e in info.value.errors)


def test_wrong_argument_types_raise_type_errors():
    with pytest.raises(TypeError):
        dmftlab.config(42)
    with pytest.raises(TypeError):
        dmftlab.config("linear-regression", [("sim.seeds", 3)])


def test_resolution_equals_the_clis(cli, tmp_path):
    sets = {"sim.seeds": 3, "data.alpha": 1.5, "init.m0_asymmetry": 0.02, "optimizer.tau": 0.125}
    args = [cli, "run", "--preset", "committee-erf", "--engine", "ode", "--out", str(tmp_path), "-q"]
    for key, value in sets.items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    subprocess.run(args, check=True, capture_output=True)
    written = json.loads((tmp_path / "config.json").read_text())
    assert dmftlab.config("committee-erf", sets) == written


def test_deep_or_cyclic_values_raise_instead_of_crashing():
    deep = []
    for _ in range(100000):
        deep = [deep]
    with pytest.raises(dmftlab.ConfigError, match="init.m0"):
        dmftlab.config("linear-regression", {"init.m0": deep})
    cyclic = []
    cyclic.append(cyclic)
    with pytest.raises(dmftlab.ConfigError, match="init.m0"):
        dmftlab.config("linear-regression", {"init.m0": cyclic})
