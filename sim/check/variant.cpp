#include "check/variant.hpp"

namespace bs {

std::vector<LessonExpectation> judge_against_lesson(const std::vector<Expectation>& lesson, const Totals& variant) {
  std::vector<LessonExpectation> out;
  for (auto& r : check_expectations(lesson, variant)) out.push_back(LessonExpectation{std::move(r)});
  return out;
}

std::string verdict_word(const std::vector<ExpectationResult>& judged, const Variant* variant) {
  if (variant && variant->what_if) return kVerdictWhatIf;
  if (judged.empty()) return "none";
  for (const auto& e : judged)
    if (!e.pass) return "fail";
  return "pass";
}

}  // namespace bs
