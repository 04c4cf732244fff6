#include "config/presets.h"

#include "io/jsonparse.h"

namespace dmftlab {

namespace {

json overrides(const char *text)
{
    json j;
    io::parseJson(text, &j); // literals below, checked by test_config::presetsAreValid
    return j;
}

} // namespace

const std::vector<Preset> &presets()
{
    static const std::vector<Preset> list = {
        {"linear-regression", "Noisy linear regression, square loss",
         "A linear student learns a linear teacher from n = alpha d noisy samples (noise 0.5) "
         "with the square loss. Everything is Gaussian here, so the DMFT memory kernel is "
         "deterministic and the picture is the cleanest one: the train loss falls below the "
         "noise floor (over-fitting) while the test loss levels off; SGD noise (tau = 0.5) "
         "shows as a higher plateau of both. Set optimizer.tau = 0 for gradient flow.",
         overrides(R"({
            "model": {"activation": "linear", "width": 1, "loss": "square"},
            "teacher": {"activation": "linear", "width": 1, "noise": 0.5, "labels": "real"},
            "data": {"alpha": 2.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 1, "ridge": 0.01},
            "init": {"q0": 1.0, "m0": 0.0},
            "time": {"horizon": 10.0, "steps": 50},
            "sim": {"dimension": 1000, "seeds": 8}
         })")},
        {"logistic-regression", "Logistic regression on a linearly separable-ish teacher",
         "A linear classifier trained with the logistic loss and a small ridge (0.05) on sign "
         "labels of a linear teacher. The overlap M with the teacher grows, the test error "
         "(misclassification probability, arccos formula) falls, and at large tau = eta/B the "
         "SGD and SGF dynamics visibly part ways (SGD moves the margins by jumps).",
         overrides(R"({
            "model": {"activation": "linear", "width": 1, "loss": "logistic"},
            "teacher": {"activation": "linear", "width": 1, "noise": 0.0, "labels": "sign"},
            "data": {"alpha": 2.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 5, "ridge": 0.05},
            "init": {"q0": 0.25, "m0": 0.0},
            "time": {"horizon": 10.0, "steps": 50},
            "sim": {"dimension": 1000, "seeds": 8}
         })")},
        {"phase-retrieval", "Phase retrieval, quadratic activation (tamed increments)",
         "Recover a signal from the squares of its projections: student and teacher are "
         "quadratic, so the loss is quartic and the gradient grows like r^3. A small initial "
         "overlap m0 = 0.1 lets the student leave the symmetric point; with alpha = 5 samples per "
         "dimension it escapes the slow start around t = 3-5 and recovers the signal (M -> 1, "
         "test loss -> 0) within the horizon (at alpha = 3 it over-fits instead: M stalls near "
         "0.2 while the test loss rises). Explicit Euler steps of such gradients explode on rare "
         "samples, so increments are tamed, g/(1 + dt |g|), identically in simulation and DMFT "
         "(optimizer.taming). The DMFT uses 20 000 paths per replica: its quartic loss gives "
         "heavy-tailed path averages, and with 10 000 the curves wobble where the signal is "
         "picked up.",
         overrides(R"({
            "model": {"activation": "quadratic", "width": 1, "loss": "square"},
            "teacher": {"activation": "quadratic", "width": 1, "noise": 0.0, "labels": "real"},
            "data": {"alpha": 5.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 5, "ridge": 0.0, "taming": "auto"},
            "init": {"q0": 1.0, "m0": 0.1},
            "time": {"horizon": 8.0, "steps": 100},
            "sim": {"dimension": 1000, "seeds": 8},
            "dmft": {"paths": 20000}
         })")},
        {"committee-erf", "Two-layer erf committee machine (k = k* = 2)",
         "A two-layer network with k = 2 erf hidden units learns a teacher of the same shape "
         "from alpha = 4 samples per dimension. Starting from small weights the student first "
         "learns the teacher's average direction: both units grow alike (M_11 and M_12 rise "
         "together) and the test loss sits on a plateau near 0.015 around t = 5-15; then the "
         "units specialise, each to one teacher unit (M_aa -> 0.8, M_ab falls back towards 0) "
         "and the test loss leaves the plateau. M0 is asymmetric (init.m0_asymmetry = 0.2 on the "
         "diagonal): at d = infinity an exactly symmetric start never breaks the permutation "
         "symmetry of the units, and a smaller asymmetry lengthens the plateau (about "
         "logarithmically) beyond the horizon.",
         overrides(R"({
            "model": {"activation": "erf", "width": 2, "loss": "square"},
            "teacher": {"activation": "erf", "width": 2, "noise": 0.0, "labels": "real"},
            "data": {"alpha": 4.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 1, "ridge": 0.0},
            "init": {"q0": 0.25, "m0": 0.0, "m0_asymmetry": 0.2},
            "time": {"horizon": 60.0, "steps": 100},
            "sim": {"dimension": 800, "seeds": 8}
         })")},
    };
    return list;
}

const Preset *findPreset(const std::string &name)
{
    for (const auto &p : presets())
        if (p.name == name)
            return &p;
    return nullptr;
}

std::string presetNames()
{
    std::string s;
    for (const auto &p : presets())
        s += (s.empty() ? "" : ", ") + p.name;
    return s;
}

RunConfig presetConfig(const std::string &name)
{
    const Preset *p = findPreset(name);
    json j = p->overrides;
    j["preset"] = name;
    auto result = configFromJson(j, RunConfig{});
    return *result.config; // presets are tested to be valid
}

} // namespace dmftlab
