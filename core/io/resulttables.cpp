#include "io/resulttables.h"

#include "io/files.h"

#include <algorithm>

namespace dmftlab::io
{

std::vector<CurveColumn> curveColumns(const Curves &c)
{
    std::vector<CurveColumn> cols;
    cols.push_back({ "t", &c.t });
    auto add = [&cols](const std::string &name, const Estimate *e) {
        cols.push_back({ name, e ? &e->mean : nullptr });
        cols.push_back({ name + "_se", e ? &e->se : nullptr });
    };
    add("train_loss", &c.trainLoss);
    add("test_loss", &c.testLoss);
    add("test_error", &c.testError);
    auto entry = [](const std::vector<Estimate> &v, int i) {
        return i < static_cast<int>(v.size()) ? &v[static_cast<std::size_t>(i)] : nullptr;
    };
    for (int a = 0; a < c.k; ++a)
        for (int b = 0; b < c.k; ++b)
            add("Q_" + std::to_string(a + 1) + "_" + std::to_string(b + 1), entry(c.Q, a * c.k + b));
    for (int a = 0; a < c.k; ++a)
        for (int m = 0; m < c.kStar; ++m)
            add("M_" + std::to_string(a + 1) + "_" + std::to_string(m + 1), entry(c.M, a * c.kStar + m));
    return cols;
}

std::vector<CurveColumn> errorPartColumns(const Curves &c)
{
    std::vector<const Estimate *> quantities = { &c.trainLoss, &c.testLoss, &c.testError };
    for (const auto &e : c.Q)
        quantities.push_back(&e);
    for (const auto &e : c.M)
        quantities.push_back(&e);
    const bool any = std::any_of(quantities.begin(), quantities.end(), [](const Estimate *e) {
        return !e->seMonteCarlo.empty() || !e->truncation.empty() || !e->discretisation.empty();
    });
    const auto names = curveColumns(c); // t, then name, name_se per quantity
    if (!any || quantities.size() != (names.size() - 1) / 2)
        return {};
    // A part an engine did not estimate is an empty vector: null, so NaN in the files.
    auto part = [](const std::vector<double> &v) { return v.empty() ? nullptr : &v; };
    std::vector<CurveColumn> cols = { { "t", &c.t } };
    for (std::size_t q = 0; q < quantities.size(); ++q) {
        const std::string &name = names[1 + 2 * q].name;
        cols.push_back({ name + "_se_mc", part(quantities[q]->seMonteCarlo) });
        cols.push_back({ name + "_truncation", part(quantities[q]->truncation) });
        cols.push_back({ name + "_discretisation", part(quantities[q]->discretisation) });
    }
    return cols;
}

std::vector<KernelTable> kernelTables(const Curves &c)
{
    std::vector<KernelTable> tables;
    for (const auto &kf : kernelFiles()) {
        const Kernel &kernel = c.*(kf.kernel);
        if (kernel.empty())
            continue;
        const std::string stem = kf.stem;
        const bool hasSe = kernel.se.size() == kernel.mean.size();
        const bool blocks = kernel.rowsPerBlock * kernel.colsPerBlock > 1;
        if (!blocks) {
            tables.push_back({ stem, &kernel.mean[0], nullptr });
            if (hasSe)
                tables.push_back({ stem + "_se", &kernel.se[0], nullptr });
            continue;
        }
        if (kernel.rowsPerBlock == kernel.colsPerBlock) {
            auto trace = std::make_shared<const Eigen::MatrixXd>(kernel.trace());
            tables.push_back({ stem, trace.get(), trace });
            if (hasSe) {
                auto traceSe = std::make_shared<const Eigen::MatrixXd>(kernel.traceSe());
                tables.push_back({ stem + "_se", traceSe.get(), traceSe });
            }
        }
        for (int a = 0; a < kernel.rowsPerBlock; ++a)
            for (int b = 0; b < kernel.colsPerBlock; ++b) {
                const std::size_t i = static_cast<std::size_t>(a * kernel.colsPerBlock + b);
                if (i >= kernel.mean.size())
                    continue;
                const std::string block = stem + "_" + std::to_string(a + 1) + "_" + std::to_string(b + 1);
                tables.push_back({ block, &kernel.mean[i], nullptr });
                if (hasSe)
                    tables.push_back({ block + "_se", &kernel.se[i], nullptr });
            }
    }
    return tables;
}

} // namespace dmftlab::io
