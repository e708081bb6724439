// Two runs compared figure by figure, ImGui-free so the Summary's numbers can be tested
// without a window. (A variant's run is judged against its lesson by bs::judge_against_lesson.)
#pragma once
#include <string>
#include <vector>

#include "check/checker.hpp"

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

}  // namespace bs::gui
