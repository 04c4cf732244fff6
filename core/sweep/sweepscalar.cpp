#include "sweep/sweepscalar.h"

#include "engine/constants.h"
#include "engine/registry.h"
#include "io/csv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dmftlab
{

namespace
{

bool contains(const std::vector<std::string> &list, const std::string &x)
{
    return std::find(list.begin(), list.end(), x) != list.end();
}

bool completed(const EngineResult &r)
{
    const int points = static_cast<int>(r.curves.t.size());
    return points > 0 && r.curves.validPoints >= points
        && (r.status == Status::Completed || r.status == Status::Converged
            || r.status == Status::MaxIterations);
}

ScalarValue finalValue(const Estimate &e, int n)
{
    if (n < 0 || n >= static_cast<int>(e.mean.size()))
        return {};
    return { e.mean[n], e.se[n] };
}

/// First crossing of `level` from above, linearly interpolated between grid points.
ScalarValue timeToLevel(const Estimate &e, const std::vector<double> &t, int points, double level)
{
    for (int n = 0; n < points; ++n) {
        if (!(e.mean[n] <= level))
            continue;
        if (n == 0)
            return { t[0], kNaN };
        const double y0 = e.mean[n - 1], y1 = e.mean[n];
        const double slope = (y1 - y0) / (t[n] - t[n - 1]);
        const double f = y0 == y1 ? 1.0 : (y0 - level) / (y0 - y1);
        // Delta method: a loss shifted by its SE moves the crossing by SE / |slope|.
        const double se = (1 - f) * e.se[n - 1] + f * e.se[n];
        return { t[n - 1] + f * (t[n] - t[n - 1]), slope != 0 ? se / std::fabs(slope) : kNaN };
    }
    return {};
}

void worstOf(const Estimate &a, const Estimate &b, int points, double *worst)
{
    for (int n = 1; n < points; ++n) {
        const double se = std::hypot(a.se[n], b.se[n]);
        if (!(se > 0) || !std::isfinite(a.mean[n]) || !std::isfinite(b.mean[n]))
            continue;
        const double z = std::fabs(a.mean[n] - b.mean[n]) / se;
        if (std::isnan(*worst) || z > *worst)
            *worst = z;
    }
}

} // namespace

std::string SweepScalar::label() const
{
    std::string base = name.substr(0, name.find('@'));
    std::replace(base.begin(), base.end(), '_', ' ');
    return base + " (" + engine + ")";
}

std::vector<std::string> SweepScalar::engines() const
{
    switch (kind) {
    case ScalarKind::DmftSimGap:
        return { engineName(EngineId::Dmft), engine };
    case ScalarKind::SgdSgfGap:
        return { engineName(EngineId::Sgd), engineName(EngineId::Sgf) };
    case ScalarKind::DmftIterations:
        return { engineName(EngineId::Dmft) };
    default:
        return { engine };
    }
}

const std::vector<std::pair<std::string, std::string>> &sweepScalarHelp()
{
    static const std::vector<std::pair<std::string, std::string>> help = {
        { "final_train_loss", "train loss at t = T" },
        { "final_test_loss", "test loss at t = T" },
        { "final_test_error", "test error at t = T" },
        { "final_Q_A_B", "overlap Q_ab at t = T (1-based, e.g. final_Q_1_1)" },
        { "final_M_A_M", "teacher overlap M_am at t = T (1-based, e.g. final_M_1_1)" },
        { "min_test_loss", "minimum of the test loss over the grid" },
        { "min_test_loss_time", "time of that minimum" },
        { "time_to_test_loss:L", "first time the test loss reaches L (nan if never)" },
        { "time_to_train_loss:L", "first time the train loss reaches L (nan if never)" },
        { "dmft_sim_gap", "worst |dmft - sgf| over t and curves, in combined SE (needs dmft and sgf)" },
        { "sgd_sgf_gap",
            "worst |sgd - sgf| in combined SE (needs sgd and sgf; use sim.sampling=replacement)" },
        { "dmft_iterations", "fixed-point iterations of the DMFT" },
    };
    return help;
}

std::string parseSweepScalar(const std::string &text, const std::vector<std::string> &engines, SweepScalar *s)
{
    *s = SweepScalar {};
    s->name = text;
    const auto at = text.find('@');
    std::string base = text.substr(0, at);
    const std::string engine = at == std::string::npos ? "" : text.substr(at + 1);
    if (at != std::string::npos && !contains(engines, engine))
        return "--scalar " + text + ": engine '" + engine + "' is not among the sweep's engines";
    s->engine = engine.empty() ? engines.front() : engine;
    auto levelOf = [&](const std::string &prefix, ScalarKind kind) -> std::string {
        s->kind = kind;
        if (!io::parseNumber(base.substr(prefix.size()), &s->level) || !std::isfinite(s->level))
            return "--scalar " + text + ": expected " + prefix + "LEVEL with a number LEVEL";
        return {};
    };
    auto entryOf = [&](const std::string &prefix, ScalarKind kind) -> std::string {
        s->kind = kind;
        int a = 0, b = 0;
        char tail = 0;
        if (std::sscanf(base.c_str() + prefix.size(), "%d_%d%c", &a, &b, &tail) != 2 || a < 1 || b < 1)
            return "--scalar " + text + ": expected " + prefix + "A_B with 1-based indices";
        s->a = a - 1;
        s->b = b - 1;
        return {};
    };
    std::string err;
    if (base == "final_train_loss")
        s->kind = ScalarKind::FinalTrainLoss;
    else if (base == "final_test_loss")
        s->kind = ScalarKind::FinalTestLoss;
    else if (base == "final_test_error")
        s->kind = ScalarKind::FinalTestError;
    else if (base == "min_test_loss")
        s->kind = ScalarKind::MinTestLoss;
    else if (base == "min_test_loss_time")
        s->kind = ScalarKind::MinTestLossTime;
    else if (base.rfind("final_Q_", 0) == 0)
        err = entryOf("final_Q_", ScalarKind::FinalQ);
    else if (base.rfind("final_M_", 0) == 0)
        err = entryOf("final_M_", ScalarKind::FinalM);
    else if (base.rfind("time_to_test_loss:", 0) == 0)
        err = levelOf("time_to_test_loss:", ScalarKind::TimeToTestLoss);
    else if (base.rfind("time_to_train_loss:", 0) == 0)
        err = levelOf("time_to_train_loss:", ScalarKind::TimeToTrainLoss);
    else if (base == "dmft_sim_gap") {
        s->kind = ScalarKind::DmftSimGap;
        s->engine = engine.empty() ? engineName(EngineId::Sgf) : engine;
        if (const EngineInfo *e = findEngine(s->engine); e && e->isTheory())
            return "--scalar " + text + ": the gap compares dmft with a simulation (sgf, sgd or online)";
    } else if (base == "sgd_sgf_gap")
        s->kind = ScalarKind::SgdSgfGap;
    else if (base == "dmft_iterations")
        s->kind = ScalarKind::DmftIterations;
    else {
        std::string known;
        for (const auto &[name, meaning] : sweepScalarHelp())
            known += (known.empty() ? "" : ", ") + name;
        return "--scalar " + text + ": unknown scalar '" + base + "' (known: " + known + ")";
    }
    if (!err.empty())
        return err;
    for (const auto &e : s->engines())
        if (!contains(engines, e))
            return "--scalar " + text + ": needs engine " + e + " in --engine";
    return {};
}

std::string checkSweepScalar(const SweepScalar &s, const RunConfig &c)
{
    const int k = c.problem.width, ks = c.problem.teacherWidth;
    if (s.kind == ScalarKind::FinalQ && (s.a >= k || s.b >= k))
        return "--scalar " + s.name + ": Q is " + std::to_string(k) + "x" + std::to_string(k)
            + " (model.width " + std::to_string(k) + ")";
    if (s.kind == ScalarKind::FinalM && (s.a >= k || s.b >= ks))
        return "--scalar " + s.name + ": M is " + std::to_string(k) + "x" + std::to_string(ks)
            + " (model.width x teacher.width)";
    // SGF describes SGD whose batches are drawn with replacement; with reshuffled epochs the
    // gap would also measure the reshuffling, not where SGD stops being described by SGF.
    if (s.kind == ScalarKind::SgdSgfGap && c.sim.sampling != Sampling::Replacement)
        return "--scalar " + s.name
            + ": needs sim.sampling=replacement (the SGD that SGF describes; with reshuffled epochs the "
              "gap would also measure the reshuffling)";
    return {};
}

double worstGapInSe(const Curves &a, const Curves &b)
{
    double worst = kNaN;
    const int points = std::min(a.validPoints, b.validPoints);
    if (a.t.size() != b.t.size() || points <= 1)
        return worst;
    worstOf(a.trainLoss, b.trainLoss, points, &worst);
    worstOf(a.testLoss, b.testLoss, points, &worst);
    worstOf(a.testError, b.testError, points, &worst);
    for (std::size_t i = 0; i < std::min(a.Q.size(), b.Q.size()); ++i)
        worstOf(a.Q[i], b.Q[i], points, &worst);
    for (std::size_t i = 0; i < std::min(a.M.size(), b.M.size()); ++i)
        worstOf(a.M[i], b.M[i], points, &worst);
    return worst;
}

ScalarValue evaluateScalar(const SweepScalar &s, const std::map<std::string, const EngineResult *> &results)
{
    auto find = [&](const std::string &engine) -> const EngineResult * {
        const auto it = results.find(engine);
        return it == results.end() ? nullptr : it->second;
    };
    if (s.kind == ScalarKind::DmftSimGap || s.kind == ScalarKind::SgdSgfGap) {
        const auto names = s.engines();
        const EngineResult *a = find(names[0]), *b = find(names[1]);
        if (!a || !b || !completed(*a) || !completed(*b))
            return {};
        return { worstGapInSe(a->curves, b->curves), kNaN };
    }
    if (s.kind == ScalarKind::DmftIterations) {
        const EngineResult *r = find(engineName(EngineId::Dmft));
        return r ? ScalarValue { double(r->curves.iterations), kNaN } : ScalarValue {};
    }
    const EngineResult *r = find(s.engine);
    if (!r || !completed(*r))
        return {};
    const Curves &c = r->curves;
    const int last = static_cast<int>(c.t.size()) - 1;
    switch (s.kind) {
    case ScalarKind::FinalTrainLoss:
        return finalValue(c.trainLoss, last);
    case ScalarKind::FinalTestLoss:
        return finalValue(c.testLoss, last);
    case ScalarKind::FinalTestError:
        return finalValue(c.testError, last);
    case ScalarKind::FinalQ:
        return s.a < c.k && s.b < c.k ? finalValue(c.Q[s.a * c.k + s.b], last) : ScalarValue {};
    case ScalarKind::FinalM:
        return s.a < c.k && s.b < c.kStar ? finalValue(c.M[s.a * c.kStar + s.b], last) : ScalarValue {};
    case ScalarKind::MinTestLoss:
    case ScalarKind::MinTestLossTime: {
        int best = -1;
        for (int n = 0; n <= last; ++n)
            if (std::isfinite(c.testLoss.mean[n]) && (best < 0 || c.testLoss.mean[n] < c.testLoss.mean[best]))
                best = n;
        if (best < 0)
            return {};
        return s.kind == ScalarKind::MinTestLoss ? finalValue(c.testLoss, best)
                                                 : ScalarValue { c.t[best], kNaN };
    }
    case ScalarKind::TimeToTestLoss:
        return timeToLevel(c.testLoss, c.t, last + 1, s.level);
    case ScalarKind::TimeToTrainLoss:
        return timeToLevel(c.trainLoss, c.t, last + 1, s.level);
    default:
        return {};
    }
}

} // namespace dmftlab
