// Judging a variant of a lesson: the same scenario with faults added (a what-if) or with
// its Try this patch applied. The lesson's own expectations describe the lesson, not the
// variant, so in a variant each is reported as still holding ("same") or not ("changed"),
// never as a failure.
#pragma once
#include <string>
#include <vector>

#include "check/expect.hpp"

namespace bs {

/// Footer / metrics `verdict` of a run with faults added on the command line
/// (docs/trace-format.md): nothing was judged, the lesson's expectations were compared.
inline constexpr const char* kVerdictWhatIf = "what-if";

/// What makes a run a variant of its lesson (set by `brokersim ... --try` / `--fault`).
struct Variant {
  bool try_this = false;      ///< the lesson's try_this patch is applied; `expect` is its prediction
  bool what_if = false;       ///< faults were added on the command line: nothing is judged
  std::vector<Expectation> lesson;  ///< the lesson's own expect block, reported as same / changed
};

/// One of the lesson's expectations measured in a variant run.
struct LessonExpectation {
  ExpectationResult result;  ///< the bound and the variant's observed value; `pass` = still holds
  bool same() const { return result.pass; }
  /// "same" when the bound still holds in the variant, "changed" when it does not.
  const char* word() const { return result.pass ? "same" : "changed"; }
  /// e.g. "duplicates >= 1: observed 0" (the bound, then the variant's value).
  std::string describe() const { return result.describe(); }
};

/// Compare a lesson's own expectations with the totals of a variant run (a what-if with
/// added faults, or the lesson's Try this): each bound is `same` if it still holds for
/// `variant` and `changed` (with the observed value) if not. A change is the variant's
/// effect, not a failure: callers must not turn it into a FAIL verdict. Works on totals at
/// any time; the GUI calls it on its ledger's totals (a bound judged before the end of the
/// run may still change).
std::vector<LessonExpectation> judge_against_lesson(const std::vector<Expectation>& lesson, const Totals& variant);

/// The run's verdict word for the footer, the metrics and the CLI: "pass" / "fail" on the
/// expectations judged (`judged`), "none" when there are none, kVerdictWhatIf when
/// `variant` says faults were added (then nothing is judged).
std::string verdict_word(const std::vector<ExpectationResult>& judged, const Variant* variant);

}  // namespace bs
