#include "sweep/resultcache.h"

#include "engine/registry.h"

namespace dmftlab
{

std::string ResultCache::key(const std::string &engine, const RunConfig &config)
{
    return resultKey(engine, config);
}

std::shared_ptr<const EngineResult> ResultCache::find(const std::string &key) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto it = m_results.find(key);
    return it == m_results.end() ? nullptr : it->second;
}

void ResultCache::insert(const std::string &key, std::shared_ptr<const EngineResult> result)
{
    if (!result || result->status == Status::Cancelled || result->status == Status::Running)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_results[key] = std::move(result);
}

int ResultCache::size() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return static_cast<int>(m_results.size());
}

void ResultCache::clear()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_results.clear();
}

} // namespace dmftlab
