#include "config/presets.h"

#include "config/configkey.h"
#include "io/jsonparse.h"

namespace dmftlab
{

namespace
{

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
        { "linear-regression", "Noisy linear regression, square loss",
            "A linear student learns a linear teacher from n = alpha d noisy samples (noise 0.5) "
            "with the square loss. Everything is Gaussian here, so the DMFT is computed exactly from "
            "second moments, without sampled paths, and the picture is the cleanest one: the train "
            "loss falls below the noise floor (over-fitting) while the test loss levels off; SGD noise "
            "(tau = 0.5) shows as a higher plateau of both. Set optimizer.tau = 0 for gradient flow. "
            "SGF and DMFT are shown in continuous time (sim.continuous_time = dmft.continuous_time = "
            "extrapolate from 400 steps): the Euler scheme at dt = 0.2 puts the train loss 6-7 % and "
            "early Q up to 11 % higher. SGD with replacement (sim.sampling = replacement) agrees with them "
            "within its standard errors; the default SGD, reshuffled every epoch, sits clearly lower (train "
            "loss "
            "about 40 % lower at t = 1 and 18 % at t = 10), a difference of sampling that SGF does "
            "not describe.",
            overrides(R"({
            "model": {"activation": "linear", "width": 1, "loss": "square"},
            "teacher": {"activation": "linear", "width": 1, "noise": 0.5, "labels": "real"},
            "data": {"alpha": 2.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 1, "ridge": 0.01},
            "init": {"q0": 1.0, "m0": 0.0},
            "time": {"horizon": 10.0, "steps": 400},
            "sim": {"dimension": 1000, "seeds": 8, "continuous_time": "extrapolate"},
            "dmft": {"continuous_time": "extrapolate"}
         })") },
        { "logistic-regression", "Logistic regression on a linearly separable-ish teacher",
            "A linear classifier trained with the logistic loss and a small ridge (0.05) on sign "
            "labels of a linear teacher. The overlap M with the teacher grows, the test error "
            "(misclassification probability, arccos formula) falls. At this tau = eta/B = 0.1 SGD and "
            "SGF describe nearly the same dynamics. SGF and DMFT are shown in continuous time "
            "(sim.continuous_time = dmft.continuous_time = extrapolate from 120 steps; with "
            "continuous_time = off and 50 steps, the Euler scheme at dt = 0.2, Q is 3-4 % higher at "
            "t = 1-4); reshuffled batches (sim.sampling) lower Q by about 4 % at t = 1 and by less "
            "than 1 % from t = 4 on; SGD with replacement and SGF with fine steps agree within one "
            "standard error.",
            overrides(R"({
            "model": {"activation": "linear", "width": 1, "loss": "logistic"},
            "teacher": {"activation": "linear", "width": 1, "noise": 0.0, "labels": "sign"},
            "data": {"alpha": 2.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 5, "ridge": 0.05},
            "init": {"q0": 0.25, "m0": 0.0},
            "time": {"horizon": 10.0, "steps": 120},
            "sim": {"dimension": 1000, "seeds": 8, "continuous_time": "extrapolate"},
            "dmft": {"continuous_time": "extrapolate", "replicas": 16}
         })") },
        { "phase-retrieval", "Phase retrieval, quadratic activation (tamed increments)",
            "Recover a signal from the squares of its projections: student and teacher are "
            "quadratic, so the loss is quartic and the gradient grows like r^3. A small initial "
            "overlap m0 = 0.1 lets the student leave the symmetric point; with alpha = 5 samples per "
            "dimension it escapes the slow start around t = 3-5 and recovers the signal (M -> 1, "
            "test loss -> 0) within the horizon (at alpha = 3 it over-fits instead: M stalls near "
            "0.2 while the test loss rises). Explicit Euler steps of such gradients explode on rare "
            "samples, so increments are tamed, g/(1 + dt |g|), identically in simulation and DMFT "
            "(optimizer.taming). Euler steps and taming both slow the escape at this dt = 0.08: in "
            "continuous time (solves at N = 200 and 400, extrapolated) M is about 0.69, 0.93 and 0.99 "
            "at t = 2, 3 and 4, against 0.49, 0.66 and 0.85 here, so the escape comes about 1.5 time "
            "units earlier (a solve at N = 400 takes about 15 s). The time-step bands cover that gap at "
            "t = 2-4 (0.9, 0.7, 0.4 for M), wide because the solves at dt, 2 dt and 4 dt converge "
            "slower than first order there. The DMFT uses 20 000 paths per replica: its quartic loss gives "
            "heavy-tailed path averages, and with 10 000 the curves wobble where the signal is "
            "picked up. Its fixed point is the hardest of the presets to iterate to: the residual spikes "
            "while the escape forms, and an iterated start (dmft.warm_start = pilot) takes a pilot of about "
            "35 iterations and about 30 more for the replicas (twice that with dmft.damping = 0.5), hence "
            "dmft.max_iterations = 200; the default start marches forward in time to it in one pass.",
            overrides(R"({
            "model": {"activation": "quadratic", "width": 1, "loss": "square"},
            "teacher": {"activation": "quadratic", "width": 1, "noise": 0.0, "labels": "real"},
            "data": {"alpha": 5.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 5, "ridge": 0.0, "taming": "auto"},
            "init": {"q0": 1.0, "m0": 0.1},
            "time": {"horizon": 8.0, "steps": 100},
            "sim": {"dimension": 1000, "seeds": 8},
            "dmft": {"paths": 20000, "max_iterations": 200}
         })") },
        { "committee-erf", "Two-layer erf committee machine (k = k* = 2)",
            "A two-layer network with k = 2 erf hidden units learns a teacher of the same shape "
            "from alpha = 8 samples per dimension, starting from small weights (q0 = 0.25) with an "
            "overlap 0.3 between student unit 1 and teacher unit 1 and no other overlap. First both "
            "units learn what the teacher units share: the test loss drops to about 0.018 by t = 6 and "
            "then crawls along a plateau at 0.016 (flattest near t = 13; within 10 % of that level until "
            "t = 20) while every overlap M_ab sits between 0.25 and 0.65, each unit pointing at a mix of "
            "the two teacher units. Then the units specialise, unit 1 on teacher unit 1 and unit 2 on "
            "teacher unit 2, and the test loss escapes: it is half the plateau level at t = 46 and 0.005 "
            "at t = 60, where M_11 and M_22 have climbed to about 0.84 and 0.78 and M_12 and M_21 fallen "
            "to about 0.14 and 0.11 (SGF at d = 800 and DMFT agree on all of these; a log loss axis "
            "shows the plateau best). These numbers are both engines' Euler scheme at dt = 0.6: in "
            "continuous time the losses are about 10 % lower (plateau 0.0143 at t = 13) and the "
            "overlaps within 0.025 (help: Presets). The start is not "
            "permutation symmetric on purpose: at d = infinity units that start as images of each other "
            "(every M0 entry equal, or the same asymmetry on every diagonal entry) stay images forever, "
            "and a smaller M0_11 pushes the escape beyond the horizon. The DMFT estimates its memory "
            "kernel from 500 tangent paths per replica (the default 1000 costs a quarter more time "
            "and lowers the standard errors by about 5 %).",
            overrides(R"({
            "model": {"activation": "erf", "width": 2, "loss": "square"},
            "teacher": {"activation": "erf", "width": 2, "noise": 0.0, "labels": "real"},
            "data": {"alpha": 8.0},
            "optimizer": {"learning_rate": 0.5, "batch_size": 1, "ridge": 0.0},
            "init": {"q0": 0.25, "m0": [[0.3, 0.0], [0.0, 0.0]], "m0_asymmetry": 0.0},
            "time": {"horizon": 60.0, "steps": 100},
            "sim": {"dimension": 800, "seeds": 8},
            "dmft": {"tangent_paths": 500}
         })") },
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
    j[ConfigKey::Preset] = name;
    auto result = configFromJson(j, RunConfig {});
    return *result.config; // presets are tested to be valid
}

} // namespace dmftlab
