// The DMFT of the chosen model as rich text (issue 12, "Theory view"): the SGF it describes
// (theory §2), the r-process and the θ-process (§3), the closure for C_θ, M, R_θ, C_u, K, μ
// (§3–4) and the fixed-point iteration (§4), with the run's parameter values filled in
// (α, τ = η/B, λ, Δ = T/N, the loss and the activations, from RunConfig, whose keys the
// schema documents). Subscripts and Greek are Qt rich text (<sub>, Unicode): no TeX.
//
// Every symbol that a panel plots is a link "panel:<target>" (theoryLinkTargets()); the
// window resolves the target to a plot panel, a kernel of the DMFT kernel panel or a dock
// (ui/theorydock.h) and raises and highlights it.
#pragma once

#include "config/config.h"

#include <QString>
#include <QStringList>

namespace dmftlab
{

/// URL scheme of the links to panels in theoryHtml().
inline const QString kTheoryLinkScheme = QStringLiteral("panel");

/// The theory page of `config` (a whole HTML document; the caller chooses the font).
QString theoryHtml(const RunConfig &config);

/// Every link target theoryHtml() can produce ("loss", "dmft_kernels/K", "distributions", …).
QStringList theoryLinkTargets();

} // namespace dmftlab
