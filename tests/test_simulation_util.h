// Helpers shared by the simulation tests.
#pragma once

#include "observables/curves.h"
#include "testutil.h"

/// QCOMPARE for dmftlab::Status (whose toString returns std::string, which QTest cannot use).
#define DMFT_COMPARE_STATUS(actual, expected)                                                                \
    do {                                                                                                     \
        const dmftlab::Status a_ = (actual), e_ = (expected);                                                \
        QVERIFY2(                                                                                            \
            a_ == e_, ("status " + dmftlab::toString(a_) + ", expected " + dmftlab::toString(e_)).c_str());  \
    } while (0)
