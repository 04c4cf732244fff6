#include "engine/reducer.h"

namespace dmftlab
{

namespace
{
Reducer *&installedReducer()
{
    static SingleProcessReducer single;
    static Reducer *current = &single;
    return current;
}
} // namespace

Reducer &engineReducer()
{
    return *installedReducer();
}

ScopedEngineReducer::ScopedEngineReducer(Reducer &reducer)
    : m_previous(installedReducer())
{
    installedReducer() = &reducer;
}

ScopedEngineReducer::~ScopedEngineReducer()
{
    installedReducer() = m_previous;
}

} // namespace dmftlab
