#include "theorytext.h"

#include "dmft/linearmoments.h"

#include <cmath>

namespace dmftlab
{

namespace
{

QString num(double x)
{
    return QString::number(x, 'g', 4);
}

/// A symbol that links to the panel plotting it (target as in theoryLinkTargets()).
QString link(const QString &target, const QString &symbol)
{
    return QStringLiteral("<a href=\"%1:%2\" style=\"color:#0a58a8; text-decoration:none;\"><b>%3</b></a>")
        .arg(kTheoryLinkScheme, target, symbol);
}

// The symbols of the closure, each linked to its panel.
const QString Ctheta = QStringLiteral("C<sub>θ</sub>");
const QString Rtheta = QStringLiteral("R<sub>θ</sub>");
const QString Cu = QStringLiteral("C<sub>u</sub>");

QString lC(const QString &args)
{
    return link("kernel_C_theta", Ctheta + args);
}
QString lM(const QString &args)
{
    return link("overlaps", "M" + args);
}
QString lR(const QString &args)
{
    return link("dmft_kernels/R", Rtheta + args);
}
QString lCu(const QString &args)
{
    return link("dmft_kernels/Cu", Cu + args);
}
QString lK(const QString &args)
{
    return link("dmft_kernels/K", "K" + args);
}

/// A displayed equation (larger, indented) and an optional line of its numbers.
QString equation(const QString &body, const QString &numbers = QString())
{
    QString html = "<p style=\"margin-left:24px; margin-top:6px; margin-bottom:2px; font-size:large;\">"
        + body + "</p>";
    if (!numbers.isEmpty())
        html += "<p style=\"margin-left:48px; margin-top:0px; color:#555555;\">here: " + numbers + "</p>";
    return html;
}

QString heading(const QString &anchor, const QString &text)
{
    // Explicit sizes: Qt's <h1>/<h2> double the (already large) base font.
    return "<p style=\"font-size:large; font-weight:bold; margin-top:14px; color:#1a1a1a;\"><a name=\""
        + anchor + "\"></a>" + text + "</p>";
}

QString activationFormula(Activation a, const QString &sigma)
{
    switch (a) {
    case Activation::Linear:
        return sigma + "(r) = r";
    case Activation::Erf:
        return sigma + "(r) = erf(r/√2)";
    case Activation::Tanh:
        return sigma + "(r) = tanh r";
    case Activation::Quadratic:
        return sigma + "(r) = r²";
    case Activation::Relu:
        return sigma + "(r) = max(r, 0)";
    }
    return sigma + "(r)";
}

QString modelName(const ProblemSpec &p)
{
    if (p.width > 1)
        return QString("committee machine (two-layer network) with k = %1 hidden units").arg(p.width);
    if (p.activation == Activation::Quadratic && p.teacherActivation == Activation::Quadratic)
        return "phase retrieval (a GLM, k = 1)";
    if (p.loss == Loss::Logistic)
        return "logistic regression (a GLM, k = 1)";
    if (p.activation == Activation::Linear && p.teacherActivation == Activation::Linear)
        return "linear regression (a GLM, k = 1)";
    return "generalised linear model (k = 1)";
}

QString priorText(const TeacherPriorSpec &t)
{
    switch (t.prior) {
    case TeacherPrior::Gaussian:
        return "θ*<sub>im</sub> ~ N(0, 1)";
    case TeacherPrior::Rademacher:
        return "θ*<sub>im</sub> = ±1 with probability ½ each";
    case TeacherPrior::Sparse:
        return QString("θ*<sub>im</sub> = 0 with probability %1, ±%2 with probability %3 each")
            .arg(num(1 - t.sparsity), num(1 / std::sqrt(t.sparsity)), num(t.sparsity / 2));
    }
    return {};
}

QString parameterTable(const RunConfig &c)
{
    const ProblemSpec &p = c.problem;
    auto row = [](const QString &symbol, const QString &value, const QString &meaning) {
        return "<tr><td style=\"padding-right:12px;\">" + symbol
            + "</td><td style=\"padding-right:18px;\"><b>" + value
            + "</b></td><td style=\"color:#555555; font-size:small;\">" + meaning + "</td></tr>";
    };
    const QString tau = c.optimizer.tau ? num(c.tau()) + " (set directly)"
                                        : QString("η/B = %1/%2 = %3")
                                              .arg(num(c.optimizer.learningRate))
                                              .arg(c.optimizer.batchSize)
                                              .arg(num(c.tau()));
    QString html = "<table cellspacing=\"2\" width=\"100%\">";
    html += row("α = n/d", num(c.alpha), "samples per dimension");
    html += row("τ", tau, "learning rate over batch size: the strength of the SGD noise");
    html += row("λ", num(p.ridge), "ridge regularisation");
    html += row("Δ = T/N", QString("%1/%2 = %3").arg(num(c.time.horizon)).arg(c.time.steps).arg(num(c.dt())),
        "time step of the Euler scheme (theory §4)");
    html += row("k, k*", QString("%1, %2").arg(p.width).arg(p.teacherWidth), "student and teacher widths");
    html += row("σ, σ*",
        activationFormula(p.activation, "σ") + ", " + activationFormula(p.teacherActivation, "σ*"),
        "student and teacher activations");
    html += row("ℓ", QString::fromStdString(toString(p.loss)) + " loss", "per-sample loss");
    html += row("σ<sub>noise</sub>", num(p.noise), "label noise");
    html += row("θ*", priorText(c.teacherPrior), "teacher prior (unit second moment, so ρ = I)");
    html += row("Q<sub>0</sub>", num(c.init.q0), "initial overlap θ<sub>0</sub><sup>T</sup>θ<sub>0</sub>/d");
    if (c.tamingEnabled())
        html += row("taming", "on", "g̃ = g/(1 + Δ|g|) in simulation and DMFT alike (theory §5.6)");
    html += "</table>";
    return html;
}

QString lossBlock(const ProblemSpec &p)
{
    const QString f = "f(r) = Σ<sub>a</sub> v<sub>a</sub> σ(r<sub>a</sub>)";
    const QString fStar = "f*(z) = Σ<sub>m</sub> v*<sub>m</sub> σ*(z<sub>m</sub>)";
    const QString label = p.labels == Labels::Sign ? "y = sign(f*(z) + σ<sub>noise</sub> ε)"
                                                   : "y = f*(z) + σ<sub>noise</sub> ε";
    QString loss, grad;
    if (p.loss == Loss::Square) {
        loss = "ℓ(r; y) = ½ (f(r) − y)²";
        grad = "g<sub>a</sub>(r; y) = ∂ℓ/∂r<sub>a</sub> = (f − y) v<sub>a</sub> σ′(r<sub>a</sub>)";
    } else {
        loss = "ℓ(r; y) = log(1 + e<sup>−y f(r)</sup>)";
        grad = "g<sub>a</sub>(r; y) = ∂ℓ/∂r<sub>a</sub> = −y S(−y f) v<sub>a</sub> σ′(r<sub>a</sub>)  (S the "
               "sigmoid)";
    }
    return equation(f + ",   " + fStar + "<br>" + label,
               QString("v<sub>a</sub> = %1, v*<sub>m</sub> = %2, σ<sub>noise</sub> = %3")
                   .arg(num(p.secondLayer), num(p.teacherSecondLayer), num(p.noise)))
        + equation(loss + "<br>" + grad + ",   H = ∂g/∂r");
}

} // namespace

QStringList theoryLinkTargets()
{
    return { "loss", "overlaps", "kernel_C_theta", "dmft_kernels/R", "dmft_kernels/Cu", "dmft_kernels/K",
        "dmft_convergence", "distributions", "effective_paths" };
}

QString theoryHtml(const RunConfig &c)
{
    const ProblemSpec &p = c.problem;
    const double alpha = c.alpha, tau = c.tau(), lambda = p.ridge;
    QString h = "<html><body>";
    h += "<p style=\"font-size:x-large; font-weight:bold;\">The DMFT of " + modelName(p) + "</p>";
    if (!c.preset.empty())
        h += "<p>Preset <b>" + QString::fromStdString(c.preset).toHtmlEscaped() + "</b>. ";
    else
        h += "<p>";
    h += "Blue symbols are links: click one to see the panel that plots it. The numbers are the "
         "parameters of the dock; they change as you edit them.</p>";
    h += parameterTable(c);

    h += heading("sgf", "1. What is simulated: stochastic gradient flow (finite d)");
    h += "<p>Inputs x<sub>i</sub> ~ N(0, I<sub>d</sub>/d), i = 1…n; student pre-activation "
         "r<sub>i</sub> = θ<sup>T</sup>x<sub>i</sub> ∈ ℝ<sup>k</sup>, teacher z<sub>i</sub> = "
         "θ*<sup>T</sup>x<sub>i</sub> ∈ ℝ<sup>k*</sup>.</p>";
    h += lossBlock(p);
    h += equation(
        "dθ<sub>t</sub> = −[ λ θ<sub>t</sub> + (1/α) X<sup>T</sup>G(Xθ<sub>t</sub>) ] dt + "
        "√(τ/α) Σ<sub>i</sub> x<sub>i</sub> g(r<sub>i</sub>; y<sub>i</sub>)<sup>T</sup> dB<sub>i</sub>(t)",
        QString("λ = %1, 1/α = %2, √(τ/α) = %3")
            .arg(num(lambda), num(1 / alpha), num(std::sqrt(tau / alpha))));
    h += "<p>SGD with learning rate η and batch B has the same drift and noise covariance per unit time "
         "t = (steps)·η/d; one epoch is Δt = ατ = "
        + num(alpha * tau) + ". The " + link("loss", "train and test losses") + " and the "
        + link("overlaps", "overlaps Q(t), M(t)") + " are measured on it.</p>";

    h += heading("rprocess", "2. One training sample: the r-process");
    h += "<p>Draw jointly Gaussian (w<sub>t</sub>)<sub>t≥0</sub> ∈ ℝ<sup>k</sup> and z ∈ ℝ<sup>k*</sup> "
         "with</p>";
    h += equation("Cov(w<sub>t</sub>, w<sub>s</sub>) = " + lC("(t, s)")
        + ",   Cov(w<sub>t</sub>, z) = " + lM("(t)") + ",   Cov(z) = ρ = I<sub>k*</sub>");
    h += "<p>a label y = y(z, ε), a Brownian motion B, and set (Itô)</p>";
    h += equation("r<sub>t</sub> = w<sub>t</sub> − (1/α) ∫<sub>0</sub><sup>t</sup> " + lR("(t, s)")
            + " g(r<sub>s</sub>; y) ( ds − √(τα) dB<sub>s</sub> )",
        QString("1/α = %1, √(τα) = %2").arg(num(1 / alpha), num(std::sqrt(tau * alpha))));
    h += "<p>Its law at time t is the law of the n training pre-activations r<sub>μ</sub>(t) "
         "("
        + link("distributions", "Distributions") + "); a few " + link("effective_paths", "sample paths")
        + " show one effective sample.</p>";

    h += heading("thetaprocess", "3. One coordinate: the θ-process");
    h += equation(
        "dθ<sub>t</sub> = −[ λ θ<sub>t</sub> + ∫<sub>0</sub><sup>t</sup> R<sub>g</sub>(t, s) θ<sub>s</sub> ds"
        " + "
            + link("effective_paths", "μ(t)") + " θ* ] dt + dU<sub>t</sub>",
        QString("λ = %1").arg(num(lambda)));
    h += equation(
        "E[ dU<sub>t</sub> dU<sub>s</sub><sup>T</sup> ] = α E[ dG<sub>t</sub> dG<sub>s</sub><sup>T</sup> ],"
        "   dG<sub>t</sub> = (1/α) g(r<sub>t</sub>; y)( dt − √(τα) dB<sub>t</sub> )",
        QString("α = %1").arg(num(alpha)));
    h += "<p>θ*, a row of the teacher, follows the prior (" + priorText(c.teacherPrior)
        + "); since the process is linear, θ<sub>t</sub> | θ* ~ N( " + lM("(t)") + " ρ<sup>−1</sup> θ*, "
        + lC("(t, t)")
        + " − M ρ<sup>−1</sup> M<sup>T</sup> ) — the law of the d coordinates θ<sub>i</sub>(t) "
          "("
        + link("distributions", "Distributions") + ", " + link("effective_paths", "sample paths") + ").</p>";

    h += heading("closure", "4. The closure");
    h += equation(lC("(t, s)") + " = E[θ<sub>t</sub> θ<sub>s</sub><sup>T</sup>],   " + lM("(t)")
        + " = E[θ<sub>t</sub> θ*<sup>T</sup>],   " + lR("(t, s)") + " = E[∂θ<sub>t</sub>/∂h<sub>s</sub>]");
    h += equation(lCu("(t, s)") + " = α E[dG<sub>t</sub> dG<sub>s</sub><sup>T</sup>],   " + lK("(t, s)")
        + " = E[H(r<sub>t</sub>; y) ∂r<sub>t</sub>/∂h<sub>s</sub>]  (the memory R<sub>g</sub>, Dirac part "
          "E[H] at s = t)");
    h += equation(link("effective_paths", "μ(t)")
        + " = ( E[g(r<sub>t</sub>; y) z<sup>T</sup>] − ∫<sub>0</sub><sup>t</sup> " + lK("(t, s)") + " "
        + lM("(s)") + " ds ) ρ<sup>−1</sup>   (Stein's lemma; plotted with the sample paths)");
    h += "<p>With ridge the θ-process is linear, so " + Rtheta + " is deterministic:</p>";
    h += equation("∂<sub>t</sub>" + lR("(t, s)") + " = −λ R<sub>θ</sub>(t, s) − ∫<sub>s</sub><sup>t</sup> "
        + lK("(t, u)") + " R<sub>θ</sub>(u, s) du,   R<sub>θ</sub>(s<sup>+</sup>, s) = I");

    h += heading("fixedpoint", "5. Solving it: the fixed point");
    const QString grid
        = QString("the grid t<sub>n</sub> = nΔ (N = %1, Δ = %2)").arg(c.time.steps).arg(num(c.dt()));
    if (closesOnSecondMoments(c)) // dmft/linearmoments.h: no paths
        h += "<p>Here the student is linear and the loss square: given the batch noise s<sub>t</sub>, which "
             "is "
             "independent of the past, the error f − y is linear in the Gaussian field and the label, and "
             "the "
             "sample-side process closes on second moments. On "
            + grid
            + QString(
                " the solver computes (K, C<sub>u</sub>, μ) and the train loss exactly from them, with no "
                "sampled paths and no Monte-Carlo error (the %1 replicas agree): (K, C<sub>u</sub>, μ) → "
                "(R<sub>θ</sub>, a, b) → (C<sub>θ</sub>, M) to the fixed point — see the ")
                  .arg(c.dmft.replicas);
    else
        h += "<p>On " + grid
            + QString(
                " with P = %1 paths (%2 for the tangents) in R = %3 independent replicas: paths → (K, "
                "C<sub>u</sub>, μ) → (R<sub>θ</sub>, a, b) → (C<sub>θ</sub>, M), mixed with the previous "
                "iterate (β = %4, Anderson over %5 iterates) until the largest relative change is below %6 "
                "or after %7 iterations — see the ")
                  .arg(c.dmft.paths)
                  .arg(c.dmft.tangentPaths)
                  .arg(c.dmft.replicas)
                  .arg(num(c.dmft.damping))
                  .arg(c.dmft.mixingMemory)
                  .arg(num(c.dmft.tolerance))
                  .arg(c.dmft.maxIterations);
    h += link("dmft_convergence", "convergence panel") + ".</p>";
    h += "<p>Observables: train loss E ℓ(r<sub>t</sub>; y) and test loss from (Q, M) (" + link("loss", "loss")
        + "), Q(t) = " + lC("(t, t)") + " (" + link("overlaps", "overlaps") + ").</p>";
    h += "</body></html>";
    return h;
}

} // namespace dmftlab
