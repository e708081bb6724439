// Two runs compared figure by figure, and a variant's run judged against the lesson's
// expectations. ImGui-free, so the Summary's numbers can be tested without a window.
#pragma once
#include <string>
#include <vector>

#include "check/checker.hpp"
#include "check/expect.hpp"

namespace bs::gui {

/// One figure of the checker's totals as the Summary prints it (the CLI summary's names).
struct Figure {
  std::string name;
  double value = 0;
  bool bad = false;      ///< a loss, a duplicate, ... worth red when nonzero
  bool integer = true;   ///< a count (else seconds or milliseconds, one decimal)
};

/// The figures the CLI summary prints, in its order; the replication and memory-alarm ones
/// only when asked (in a comparison: when either run has them, so rows line up).
std::vector<Figure> summary_figures(const Totals& t, bool replication, bool memory);

/// Whether two runs' values of one figure differ as printed (counts: by 1; others: by 0.05).
bool figures_differ(const Figure& a, const Figure& b);

/// How a lesson's expectation reads against a run that changed the lesson on purpose
/// (a what-if fork or the lesson's "Try this"): it still holds (Same) or it does not
/// (Changed). Such a run is never judged FAIL: the student changed the lesson, not broke it.
enum class VariantOutcome { Same, Changed };

/// One expectation of the lesson judged against a variant's totals.
struct VariantLine {
  ExpectationResult result;  ///< observed value and the expectation as the lesson states it
  VariantOutcome outcome = VariantOutcome::Same;
};

/// The lesson's expectations judged against a variant run's totals.
std::vector<VariantLine> judge_variant(const std::vector<Expectation>& lesson, const Totals& variant);

}  // namespace bs::gui
