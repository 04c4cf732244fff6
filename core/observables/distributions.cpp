#include "observables/distributions.h"

#include "observables/population.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

namespace dmftlab
{

namespace
{
/// Calls f(weight, θ*) for every atom combination of a discrete prior in k* dimensions.
template <typename F> void forEachTeacherAtom(const std::vector<PriorAtom> &atoms, int kStar, F f)
{
    std::vector<int> idx(kStar, 0);
    Eigen::VectorXd v(kStar);
    for (;;) {
        double w = 1.0;
        for (int m = 0; m < kStar; ++m) {
            v[m] = atoms[idx[m]].value;
            w *= atoms[idx[m]].weight;
        }
        f(w, v);
        int m = 0;
        while (m < kStar && ++idx[m] == static_cast<int>(atoms.size()))
            idx[m++] = 0;
        if (m == kStar)
            return;
    }
}

double conditionalSd(const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M, int unit)
{
    const double var = Q(unit, unit) - M.row(unit).squaredNorm();
    return std::sqrt(std::max(var, 1e-24 * std::max(1.0, Q(unit, unit))));
}

Eigen::MatrixXd meanOf(const std::vector<Eigen::MatrixXd> &v)
{
    Eigen::MatrixXd s = v.front();
    for (std::size_t i = 1; i < v.size(); ++i)
        s += v[i];
    return s / static_cast<double>(v.size());
}
} // namespace

std::vector<int> distributionGridIndices(
    const std::vector<double> &times, const std::vector<double> &grid, double bytesPerTime, std::string *note)
{
    std::vector<int> idx;
    const int N = static_cast<int>(grid.size()) - 1;
    const double T = grid.back(), dt = N > 0 ? T / N : 1.0;
    int dropped = 0;
    for (double t : times) {
        if (!(t >= -0.5 * dt && t <= T + 0.5 * dt)) {
            ++dropped;
            continue;
        }
        idx.push_back(std::clamp(static_cast<int>(std::lround(t / dt)), 0, N));
    }
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    std::string msg;
    if (dropped > 0)
        msg = std::to_string(dropped) + " of output.distribution_times outside [0, time.horizon] ignored";
    const int fit = bytesPerTime > 0.0 ? static_cast<int>(kDistributionMemoryLimit / bytesPerTime)
                                       : static_cast<int>(idx.size());
    if (static_cast<int>(idx.size()) > fit) {
        const int requested = static_cast<int>(idx.size());
        std::vector<int> kept;
        for (int j = 0; j < fit; ++j) {
            const int i = fit == 1
                ? 0
                : static_cast<int>(std::lround(static_cast<double>(j) * (requested - 1) / (fit - 1)));
            kept.push_back(idx[i]);
        }
        kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
        idx = std::move(kept);
        char buf[200];
        std::snprintf(buf, sizeof buf,
            "output.distribution_times thinned to %d of %d times: each needs %.1f MiB, budget %.0f MiB",
            static_cast<int>(idx.size()), requested, bytesPerTime / 1048576.0,
            kDistributionMemoryLimit / 1048576.0);
        msg += (msg.empty() ? "" : "; ") + std::string(buf);
    }
    if (note)
        *note = msg;
    return idx;
}

std::vector<double> uniformEdges(double lo, double hi, int bins)
{
    bins = std::max(1, bins);
    if (!(hi > lo)) {
        const double c = std::isfinite(lo) ? lo : 0.0;
        lo = c - 1.0;
        hi = c + 1.0;
    }
    std::vector<double> e(bins + 1);
    for (int b = 0; b <= bins; ++b)
        e[b] = lo + (hi - lo) * b / bins;
    return e;
}

std::vector<double> edgesForValues(const std::vector<Eigen::VectorXd> &groups, int bins)
{
    std::size_t n = 0;
    for (const auto &g : groups)
        for (Eigen::Index i = 0; i < g.size(); ++i)
            n += std::isfinite(g[i]) ? 1 : 0;
    if (n == 0)
        return uniformEdges(-1.0, 1.0, bins);
    // The order statistics of ranks iLo and iHi (0-based) of the finite values: the largest of
    // the iLo + 1 smallest and the smallest of the n − iHi largest, each kept in a heap in one
    // pass (most values fail the comparison with the heap's top). Two nth_element calls on a
    // copy of all values took 5 % of the committee preset's DMFT run with laws at every grid time.
    const auto rank = [n](double q) { return std::min(n - 1, static_cast<std::size_t>(q * (n - 1))); };
    const std::size_t kLo = rank(0.0005) + 1, kHi = n - rank(0.9995);
    std::vector<double> low, high; // max-heap of the smallest, min-heap of the largest
    low.reserve(kLo);
    high.reserve(kHi);
    const auto keep = [](std::vector<double> &heap, std::size_t k, double v, auto before) {
        if (heap.size() < k) {
            heap.push_back(v);
            std::push_heap(heap.begin(), heap.end(), before);
        } else if (before(v, heap.front())) {
            std::pop_heap(heap.begin(), heap.end(), before);
            heap.back() = v;
            std::push_heap(heap.begin(), heap.end(), before);
        }
    };
    for (const auto &g : groups)
        for (Eigen::Index i = 0; i < g.size(); ++i)
            if (std::isfinite(g[i])) {
                keep(low, kLo, g[i], std::less<double>());
                keep(high, kHi, g[i], std::greater<double>());
            }
    const double lo = low.front(), hi = high.front(), pad = 0.05 * (hi - lo);
    return uniformEdges(lo - pad, hi + pad, bins);
}

LawHistogram histogramOf(const std::vector<Eigen::VectorXd> &groups, const std::vector<double> &edges)
{
    LawHistogram h;
    h.edges = edges;
    const int B = static_cast<int>(edges.size()) - 1;
    const int G = static_cast<int>(groups.size());
    Eigen::MatrixXd groupDensity = Eigen::MatrixXd::Zero(B, std::max(G, 1));
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(B);
    long long total = 0;
    // The bin of v: the largest b with edges[b] ≤ v (−1 if none), what std::upper_bound gives,
    // from a guess for uniform edges corrected by comparisons: the same for any sorted edges,
    // and one or two comparisons instead of a binary search (which took 6 % of the committee
    // preset's DMFT run with laws at every grid time).
    const double first = edges.front(), scale = B / (edges.back() - first);
    const auto binOf = [&](double v) {
        const double guess = (v - first) * scale;
        int b = !(guess >= 0.0) ? -1 : guess >= B ? B : static_cast<int>(guess);
        while (b < B && edges[b + 1] <= v)
            ++b;
        while (b >= 0 && edges[b] > v)
            --b;
        return b;
    };
    for (int g = 0; g < G; ++g) {
        const Eigen::VectorXd &x = groups[g];
        Eigen::VectorXd c = Eigen::VectorXd::Zero(B);
        long long n = 0;
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            if (!std::isfinite(x[i]))
                continue;
            ++n;
            const int b = binOf(x[i]);
            if (b >= 0 && b < B)
                c[b] += 1.0;
            else if (x[i] == edges.back())
                c[B - 1] += 1.0;
        }
        for (int b = 0; b < B; ++b)
            groupDensity(b, g) = n > 0 ? c[b] / (n * (edges[b + 1] - edges[b])) : 0.0;
        counts += c;
        total += n;
    }
    h.samples = total;
    h.density.resize(B);
    h.se.resize(B);
    for (int b = 0; b < B; ++b) {
        const double w = edges[b + 1] - edges[b];
        const double N = static_cast<double>(std::max<long long>(total, 1));
        h.density[b] = counts[b] / (N * w);
        const double c = std::max(counts[b], 1.0);
        double se = std::sqrt(c * std::max(1.0 - c / N, 0.0)) / (N * w);
        if (G >= 2) {
            const Eigen::VectorXd d = groupDensity.row(b).transpose();
            const double var = (d.array() - d.mean()).square().sum() / (G - 1);
            se = std::max(se, std::sqrt(var / G));
        }
        h.se[b] = se;
    }
    return h;
}

double thetaLawCdf(
    double x, const TeacherPriorSpec &prior, const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M, int unit)
{
    const double sd = conditionalSd(Q, M, unit);
    const std::vector<PriorAtom> atoms = priorAtoms(prior);
    if (atoms.empty()) // Gaussian prior: θ_a ~ N(0, Q_aa)
        return normalCdf(x / std::sqrt(std::max(Q(unit, unit), sd * sd)));
    double F = 0.0;
    forEachTeacherAtom(atoms, static_cast<int>(M.cols()),
        [&](double w, const Eigen::VectorXd &v) { F += w * normalCdf((x - M.row(unit).dot(v)) / sd); });
    return F;
}

LawHistogram thetaLawHistogram(const std::vector<double> &edges, const TeacherPriorSpec &prior,
    const std::vector<Eigen::MatrixXd> &Q, const std::vector<Eigen::MatrixXd> &M, int unit)
{
    LawHistogram h;
    h.edges = edges;
    const int B = static_cast<int>(edges.size()) - 1, R = static_cast<int>(Q.size());
    Eigen::MatrixXd d(B, R);
    for (int r = 0; r < R; ++r) {
        double prev = thetaLawCdf(edges[0], prior, Q[r], M[r], unit);
        for (int b = 0; b < B; ++b) {
            const double next = thetaLawCdf(edges[b + 1], prior, Q[r], M[r], unit);
            d(b, r) = (next - prev) / (edges[b + 1] - edges[b]);
            prev = next;
        }
    }
    h.density = d.rowwise().mean();
    h.se = Eigen::VectorXd::Zero(B);
    if (R >= 2)
        for (int b = 0; b < B; ++b)
            h.se[b] = std::sqrt((d.row(b).array() - h.density[b]).square().sum() / (R - 1) / R);
    return h;
}

std::vector<double> thetaLawEdges(const TeacherPriorSpec &prior, const std::vector<Eigen::MatrixXd> &Q,
    const std::vector<Eigen::MatrixXd> &M, int unit, int bins)
{
    const Eigen::MatrixXd Qm = meanOf(Q), Mm = meanOf(M);
    const std::vector<PriorAtom> atoms = priorAtoms(prior);
    if (atoms.empty()) {
        const double L = 4.5 * std::sqrt(std::max(Qm(unit, unit), 1e-300));
        return uniformEdges(-L, L, bins);
    }
    double reach = 0.0;
    forEachTeacherAtom(atoms, static_cast<int>(Mm.cols()),
        [&](double, const Eigen::VectorXd &v) { reach = std::max(reach, std::fabs(Mm.row(unit).dot(v))); });
    const double L = reach + 4.5 * conditionalSd(Qm, Mm, unit);
    return uniformEdges(-L, L, bins);
}

std::vector<Eigen::VectorXd> unitColumn(const std::vector<Eigen::MatrixXd> &perGroup, int unit)
{
    std::vector<Eigen::VectorXd> out;
    out.reserve(perGroup.size());
    for (const auto &m : perGroup)
        if (unit < m.cols())
            out.emplace_back(m.col(unit));
    return out;
}

std::vector<Eigen::MatrixXd> predictionValues(
    const std::vector<Eigen::MatrixXd> &r, const std::vector<Eigen::VectorXd> &y, bool margins)
{
    if (!margins)
        return r;
    std::vector<Eigen::MatrixXd> out;
    out.reserve(r.size());
    for (std::size_t g = 0; g < r.size() && g < y.size(); ++g)
        out.push_back(y[g].asDiagonal() * r[g]);
    return out;
}

const EngineLaws::Entry *EngineLaws::find(int gridIndex, int unit) const
{
    for (const auto &e : entries)
        if (e.gridIndex == gridIndex && e.unit == unit)
            return &e;
    return nullptr;
}

EngineLaws engineLaws(
    const DistributionRecord &record, const TeacherPriorSpec &prior, int bins, const EngineLaws *edgesFrom)
{
    EngineLaws laws;
    laws.margins = record.margins;
    const auto edgesOf = [&](int n, int unit, bool theta, const auto &own) {
        if (edgesFrom)
            if (const auto *e = edgesFrom->find(n, unit)) {
                const auto &edges = theta ? e->theta.edges : e->r.edges;
                if (!edges.empty())
                    return edges;
            }
        return own();
    };
    for (const auto &s : record.sim) {
        const int k = s.theta.empty() ? 0 : static_cast<int>(s.theta.front().cols());
        const auto predictions = predictionValues(s.r, s.y, record.margins);
        for (int a = 0; a < k; ++a) {
            EngineLaws::Entry e;
            e.gridIndex = s.gridIndex;
            e.time = s.time;
            e.unit = a;
            const auto theta = unitColumn(s.theta, a);
            e.theta = histogramOf(
                theta, edgesOf(s.gridIndex, a, true, [&] { return edgesForValues(theta, bins); }));
            if (!predictions.empty()) {
                const auto r = unitColumn(predictions, a);
                e.r = histogramOf(r, edgesOf(s.gridIndex, a, false, [&] { return edgesForValues(r, bins); }));
            }
            laws.entries.push_back(std::move(e));
        }
    }
    for (const auto &s : record.dmft) {
        const int k = s.Q.empty() ? 0 : static_cast<int>(s.Q.front().rows());
        const auto predictions = predictionValues(s.r, s.y, record.margins);
        for (int a = 0; a < k; ++a) {
            EngineLaws::Entry e;
            e.gridIndex = s.gridIndex;
            e.time = s.time;
            e.unit = a;
            e.theta = thetaLawHistogram(
                edgesOf(s.gridIndex, a, true, [&] { return thetaLawEdges(prior, s.Q, s.M, a, bins); }), prior,
                s.Q, s.M, a);
            if (!predictions.empty()) {
                const auto r = unitColumn(predictions, a);
                e.r = histogramOf(r, edgesOf(s.gridIndex, a, false, [&] { return edgesForValues(r, bins); }));
            }
            laws.entries.push_back(std::move(e));
        }
    }
    return laws;
}

LawAgreement compareLaws(const LawHistogram &sample, const LawHistogram &reference)
{
    LawAgreement a;
    const int B = static_cast<int>(std::min(sample.density.size(), reference.density.size()));
    double sum = 0.0;
    for (int b = 0; b < B; ++b) {
        const double w = sample.edges[b + 1] - sample.edges[b];
        if (reference.density[b] * w * static_cast<double>(sample.samples) < 5.0)
            continue;
        const double se = std::hypot(sample.se[b], reference.se[b]);
        if (!(se > 0.0))
            continue;
        const double z = (sample.density[b] - reference.density[b]) / se;
        sum += z * z;
        a.maxAbsZ = std::max(a.maxAbsZ, std::fabs(z));
        ++a.dof;
    }
    a.chi2PerDof = a.dof > 0 ? sum / a.dof : 0.0;
    double Fs = 0.0, Fr = 0.0;
    for (int b = 0; b < B; ++b) {
        const double w = sample.edges[b + 1] - sample.edges[b];
        Fs += sample.density[b] * w;
        Fr += reference.density[b] * w;
        a.ks = std::max(a.ks, std::fabs(Fs - Fr));
    }
    const double n = static_cast<double>(sample.samples), m = static_cast<double>(reference.samples);
    const double nEff = m > 0.0 ? n * m / (n + m) : n;
    // 0.8687 = √(π/2) ln 2, the mean of the Kolmogorov distribution.
    a.ksExpected = nEff > 0.0 ? 0.8687 / std::sqrt(nEff) : 0.0;
    return a;
}

LawHistogram2D histogram2DOf(const std::vector<Eigen::MatrixXd> &groups, int a, int b,
    const std::vector<double> &xEdges, const std::vector<double> &yEdges)
{
    // Each point becomes the index of its cell (+ ½, inside a unit bin) or −1 outside: the
    // 1-D histogram of those indices is the 2-D one, outside points counted in the total.
    LawHistogram2D out;
    out.xEdges = xEdges;
    out.yEdges = yEdges;
    const int Bx = static_cast<int>(xEdges.size()) - 1, By = static_cast<int>(yEdges.size()) - 1;
    const auto bin = [](const std::vector<double> &e, double v) {
        return static_cast<int>(std::upper_bound(e.begin(), e.end(), v) - e.begin()) - 1;
    };
    std::vector<Eigen::VectorXd> cells;
    for (const Eigen::MatrixXd &g : groups) {
        Eigen::VectorXd c(g.rows());
        for (Eigen::Index r = 0; r < g.rows(); ++r) {
            const int i = bin(xEdges, g(r, a)), j = bin(yEdges, g(r, b));
            const bool finite = std::isfinite(g(r, a)) && std::isfinite(g(r, b));
            c[r] = !finite                             ? std::numeric_limits<double>::quiet_NaN()
                : i >= 0 && i < Bx && j >= 0 && j < By ? i * By + j + 0.5
                                                       : -1.0;
        }
        cells.push_back(std::move(c));
    }
    out.flat = histogramOf(cells, uniformEdges(0.0, Bx * By, Bx * By));
    return out;
}

ConditionalLaw thetaConditionalLaw(
    const std::vector<Eigen::MatrixXd> &Q, const std::vector<Eigen::MatrixXd> &M, int unit, int teacherUnit)
{
    ConditionalLaw law;
    if (Q.empty() || M.empty())
        return law;
    const std::size_t R = M.size();
    double sum = 0.0, sumSq = 0.0;
    for (const Eigen::MatrixXd &m : M) {
        sum += m(unit, teacherUnit);
        sumSq += m(unit, teacherUnit) * m(unit, teacherUnit);
    }
    law.slope = sum / R;
    law.slopeSe = R > 1 ? std::sqrt(std::max(0.0, (sumSq - R * law.slope * law.slope) / (R - 1)) / R) : 0.0;
    const Eigen::MatrixXd q = meanOf(Q);
    law.sd = std::sqrt(std::max(0.0, q(unit, unit) - law.slope * law.slope));
    return law;
}

std::vector<double> teacherEdges(
    const TeacherPriorSpec &prior, const std::vector<Eigen::MatrixXd> &teacher, int teacherUnit, int bins)
{
    const std::vector<PriorAtom> atoms = priorAtoms(prior);
    if (!atoms.empty()) {
        std::vector<double> v;
        for (const PriorAtom &a : atoms)
            v.push_back(a.value);
        std::sort(v.begin(), v.end());
        const double pad = v.size() > 1 ? 0.5 * (v[1] - v[0]) : 0.5;
        std::vector<double> edges { v.front() - pad };
        for (std::size_t i = 0; i + 1 < v.size(); ++i)
            edges.push_back(0.5 * (v[i] + v[i + 1]));
        edges.push_back(v.back() + pad);
        return edges;
    }
    std::vector<double> pooled;
    for (const Eigen::MatrixXd &t : teacher)
        for (Eigen::Index i = 0; i < t.rows(); ++i)
            pooled.push_back(t(i, teacherUnit));
    if (pooled.empty())
        return uniformEdges(-3.0, 3.0, bins);
    const auto at = [&](double q) {
        const std::size_t j = std::min(pooled.size() - 1, static_cast<std::size_t>(q * (pooled.size() - 1)));
        std::nth_element(pooled.begin(), pooled.begin() + j, pooled.end());
        return pooled[j];
    };
    const double lo = at(0.005), hi = at(0.995);
    return uniformEdges(lo, hi > lo ? hi : lo + 1.0, bins);
}

BinnedConditionalMeans binnedConditionalMeans(const std::vector<Eigen::MatrixXd> &theta,
    const std::vector<Eigen::MatrixXd> &teacher, int unit, int teacherUnit, const std::vector<double> &edges)
{
    BinnedConditionalMeans out;
    out.edges = edges;
    const int B = static_cast<int>(edges.size()) - 1;
    const std::size_t G = std::min(theta.size(), teacher.size());
    // Per seed and bin: count, Σ θ*, Σ θ, Σ θ².
    Eigen::MatrixXd n = Eigen::MatrixXd::Zero(G, B), st = n, sx = n, sxx = n;
    for (std::size_t g = 0; g < G; ++g)
        for (Eigen::Index i = 0; i < teacher[g].rows(); ++i) {
            const double ts = teacher[g](i, teacherUnit), x = theta[g](i, unit);
            const auto b = std::upper_bound(edges.begin(), edges.end(), ts) - edges.begin() - 1;
            if (b < 0 || b >= B)
                continue;
            n(g, b) += 1.0;
            st(g, b) += ts;
            sx(g, b) += x;
            sxx(g, b) += x * x;
        }
    out.teacherMean = Eigen::VectorXd::Zero(B);
    out.mean = Eigen::VectorXd::Zero(B);
    out.se = Eigen::VectorXd::Constant(B, std::numeric_limits<double>::quiet_NaN());
    out.count.assign(B, 0);
    for (int b = 0; b < B; ++b) {
        out.count[b] = static_cast<long long>(n.col(b).sum());
        std::vector<double> seedMeans, seedTeacher;
        for (std::size_t g = 0; g < G; ++g)
            if (n(g, b) >= 2.0) {
                seedMeans.push_back(sx(g, b) / n(g, b));
                seedTeacher.push_back(st(g, b) / n(g, b));
            }
        const double S = static_cast<double>(seedMeans.size());
        if (S == 0.0)
            continue;
        double m = 0.0, t = 0.0;
        for (std::size_t j = 0; j < seedMeans.size(); ++j) {
            m += seedMeans[j] / S;
            t += seedTeacher[j] / S;
        }
        out.mean[b] = m;
        out.teacherMean[b] = t;
        if (S >= 2.0) {
            double v = 0.0;
            for (double x : seedMeans)
                v += (x - m) * (x - m);
            out.se[b] = std::sqrt(v / (S - 1.0) / S);
        } else {
            const double c = n.col(b).sum(), mean = sx.col(b).sum() / c;
            out.se[b] = std::sqrt(std::max(0.0, sxx.col(b).sum() / c - mean * mean) / c);
        }
    }
    return out;
}

LawAgreement compareConditionalMeans(
    const BinnedConditionalMeans &sample, const ConditionalLaw &law, long long minCount)
{
    LawAgreement a;
    double sum = 0.0;
    for (Eigen::Index b = 0; b < sample.mean.size(); ++b) {
        if (sample.count[b] < minCount || !std::isfinite(sample.se[b]))
            continue;
        const double se = std::hypot(sample.se[b], law.slopeSe * sample.teacherMean[b]);
        if (!(se > 0.0))
            continue;
        const double z = (sample.mean[b] - law.slope * sample.teacherMean[b]) / se;
        sum += z * z;
        a.maxAbsZ = std::max(a.maxAbsZ, std::fabs(z));
        ++a.dof;
    }
    a.chi2PerDof = a.dof > 0 ? sum / a.dof : 0.0;
    return a;
}

} // namespace dmftlab
