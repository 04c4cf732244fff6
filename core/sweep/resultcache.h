// Results of single engine runs keyed by the resolved configuration and the engine, so a
// sweep that revisits a point (a refined phase diagram, a family run again, a resumed
// CLI sweep) does not recompute it. Thread-safe; entries are immutable and shared.
#pragma once

#include "engine/engine.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace dmftlab
{

class ResultCache
{
public:
    /// resultKey(engine, config) (engine/registry.h): the config without the keys that do
    /// not change this engine's numbers, so a sweep over d reuses its DMFT and ODE points.
    static std::string key(const std::string &engine, const RunConfig &config);

    std::shared_ptr<const EngineResult> find(const std::string &key) const;
    /// Only finished results belong here (not Cancelled); a cancelled one is ignored.
    void insert(const std::string &key, std::shared_ptr<const EngineResult> result);
    int size() const;
    void clear();

private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<const EngineResult>> m_results;
};

} // namespace dmftlab
