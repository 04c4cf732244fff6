// The parameter stamp of a figure and its epoch axis, from the run's configuration
// (theory §2: τ = η/B, one epoch = α τ of training time).
#include "figures.h"

#include "config/config.h"
#include "engine/engine.h"
#include "engine/registry.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace dmftlab::figures
{

double timePerEpoch(const RunConfig &config)
{
    const double epochs = config.epochs();
    return std::isfinite(epochs) && epochs > 0.0 ? config.time.horizon / epochs : 0.0;
}

namespace
{

/// A stamp part: its text with %1 where the value goes ("α = %1", "%1 seeds").
struct StampPart {
    QString format, value;
};

std::vector<StampPart> stampParts(const RunConfig &config, const std::vector<std::string> &engines)
{
    const auto has = [&](EngineId id) {
        return std::find(engines.begin(), engines.end(), engineName(id)) != engines.end();
    };
    bool simulation = false, sgdType = false;
    for (const std::string &e : engines) {
        simulation = simulation || !isTheoryEngine(e);
        sgdType = sgdType || !isSgfType(e);
    }
    const auto g4 = [](double x) { return QString::number(x, 'g', 4); };
    std::vector<StampPart> parts;
    if (!config.preset.empty())
        parts.push_back({ "%1", QString::fromStdString(config.preset) });
    parts.push_back({ "α = %1", g4(config.alpha) });
    if (sgdType) {
        parts.push_back({ "η = %1", g4(config.optimizer.learningRate) });
        parts.push_back({ "B = %1", QString::number(config.optimizer.batchSize) });
    }
    parts.push_back({ "τ = %1", g4(config.tau()) });
    if (simulation) {
        parts.push_back({ "d = %1", QString::number(config.sim.dimension) });
        parts.push_back({ "%1 seeds", QString::number(config.sim.seeds) });
    }
    if (has(EngineId::Dmft))
        parts.push_back({ QString::fromStdString(engineInfo(EngineId::Dmft).label) + " %1 paths",
            QString("%1 × %2").arg(config.dmft.replicas).arg(config.dmft.paths) });
    return parts;
}

} // namespace

QString parameterStamp(const RunConfig &config, const std::vector<std::string> &engines)
{
    return parameterStamp(config, config, engines);
}

QString parameterStamp(const RunConfig &first, const RunConfig &last, const std::vector<std::string> &engines)
{
    const std::vector<StampPart> a = stampParts(first, engines), b = stampParts(last, engines);
    QStringList parts;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const bool same = i >= b.size() || a[i].format != b[i].format || a[i].value == b[i].value;
        parts << a[i].format.arg(same ? a[i].value : a[i].value + "…" + b[i].value);
    }
    return parts.join(", ");
}

} // namespace dmftlab::figures
