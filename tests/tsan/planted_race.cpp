// A deliberate race for the verdict of scripts/tsan.sh (`bash scripts/tsan.sh --self-check`):
// two threads append to one QList and assign one QString without a lock, as a project bug
// through Qt's containers would. Qt is not instrumented, so the copies inside libQt6Core are
// Qt-internal to tests/tsan/classify.py; the containers' inline code (size, data pointer) is
// compiled here, instrumented, and must make the run "to read" (exit 66). Not built by CMake.
#include <QList>
#include <QString>

#include <cstdio>
#include <thread>

int main()
{
    QList<int> shared;
    QString text;
    auto work = [&](int id) {
        for (int i = 0; i < 2000; ++i) {
            shared.append(id * 100000 + i);
            text = QString::number(i);
        }
    };
    std::thread a(work, 1), b(work, 2);
    a.join();
    b.join();
    std::printf("%lld %lld\n", static_cast<long long>(shared.size()), static_cast<long long>(text.size()));
    return 0;
}
