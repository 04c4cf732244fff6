// What an exception that escaped an engine becomes: Status::InternalError with the
// exception's text ("internal error in dmft: ..."; bad_alloc named as out of memory).
// runEngine and the GUI's run controller both convert through this one function.
#pragma once

#include "engine/engine.h"

#include <exception>
#include <string>

namespace dmftlab
{

EngineResult internalErrorResult(const std::string &engine, std::exception_ptr error);

} // namespace dmftlab
