#include "workerpriority.h"

#include <QDir>
#include <QStringList>

#ifdef __linux__
#include <cerrno>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace dmftlab
{

int lowerThreadPriority(int nice)
{
#ifdef __linux__
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    if (::getpriority(PRIO_PROCESS, tid) < nice)
        ::setpriority(PRIO_PROCESS, tid, nice);
    return ::getpriority(PRIO_PROCESS, tid);
#else
    (void)nice;
    return 0;
#endif
}

void restoreLoweredPriorities(int upTo)
{
#ifdef __linux__
    const QDir tasks("/proc/self/task");
    const QStringList tids = tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : tids) {
        bool ok = false;
        const auto tid = static_cast<id_t>(name.toUInt(&ok));
        if (!ok)
            continue;
        errno = 0;
        const int nice = ::getpriority(PRIO_PROCESS, tid);
        if (errno == 0 && nice > 0 && nice <= upTo)
            ::setpriority(PRIO_PROCESS, tid, 0);
    }
#else
    (void)upTo;
#endif
}

} // namespace dmftlab
