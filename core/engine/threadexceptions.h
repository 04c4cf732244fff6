// Exceptions must not cross a std::thread boundary: one escaping a thread's function calls
// std::terminate and takes the whole program (and the GUI) down. Worker lambdas run
// through guard(); the first exception is kept, the others stop taking new work
// (failed()), and the thread that joined them rethrows it, where runEngine turns it into
// Status::InternalError with its message.
#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <utility>

namespace dmftlab
{

class ThreadExceptions
{
public:
    /// Calls f(args...), keeping an exception it throws instead of letting it escape.
    template <class F, class... Args> void guard(F &&f, Args &&...args) noexcept
    {
        try {
            std::forward<F>(f)(std::forward<Args>(args)...);
        } catch (...) {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_first)
                m_first = std::current_exception();
            m_failed.store(true, std::memory_order_relaxed);
        }
    }

    /// True once any guarded call threw: workers should stop taking new work.
    bool failed() const { return m_failed.load(std::memory_order_relaxed); }

    /// After the threads are joined: rethrows the first exception, if any.
    void rethrow()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_first)
            std::rethrow_exception(m_first);
    }

private:
    std::mutex m_mutex;
    std::exception_ptr m_first;
    std::atomic<bool> m_failed { false };
};

} // namespace dmftlab
