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

QString parameterStamp(const RunConfig &config, const std::vector<std::string> &engines)
{
    const auto has = [&](EngineId id) {
        return std::find(engines.begin(), engines.end(), engineName(id)) != engines.end();
    };
    bool simulation = false, sgdType = false;
    for (const std::string &e : engines) {
        simulation = simulation || !isTheoryEngine(e);
        sgdType = sgdType || !isSgfType(e);
    }
    QStringList parts;
    if (!config.preset.empty())
        parts << QString::fromStdString(config.preset);
    parts << QString("α = %1").arg(config.alpha, 0, 'g', 4);
    if (sgdType)
        parts << QString("η = %1, B = %2").arg(config.optimizer.learningRate, 0, 'g', 4).arg(config.optimizer.batchSize);
    parts << QString("τ = %1").arg(config.tau(), 0, 'g', 4);
    if (simulation)
        parts << QString("d = %1, %2 seeds").arg(config.sim.dimension).arg(config.sim.seeds);
    if (has(EngineId::Dmft))
        parts << QString("%1 %2 × %3 paths")
                     .arg(QString::fromStdString(engineInfo(EngineId::Dmft).label))
                     .arg(config.dmft.replicas)
                     .arg(config.dmft.paths);
    return parts.join(", ");
}

} // namespace dmftlab::figures
