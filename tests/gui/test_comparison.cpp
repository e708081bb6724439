// Two runs side by side: the Summary's figures line up row by row and a run that changed
// the lesson on purpose reads "same" / "changed" against the lesson's expectations.
#include <catch2/catch.hpp>

#include "check/variant.hpp"
#include "model/comparison.hpp"
#include "model/trace_model.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
Totals totals_at_end(const std::string& fixture) {
  auto m = TraceModel::build(read_trace(std::string(GUI_TEST_DATA_DIR) + "/" + fixture));
  Playhead p(m);
  p.seek(m->t_end);
  return p.state().ledger().totals();
}
const Figure& named(const std::vector<Figure>& f, const std::string& name) {
  for (const auto& x : f)
    if (x.name == name) return x;
  FAIL("no figure " << name);
  return f.front();
}
}  // namespace

TEST_CASE("two runs' figures line up and the differing ones are found") {
  Totals a = totals_at_end("ack_redelivery.jsonl");
  Totals b = totals_at_end("log_model.jsonl");
  auto fa = summary_figures(a, false, false), fb = summary_figures(b, false, false);
  REQUIRE(fa.size() == fb.size());
  for (std::size_t i = 0; i < fa.size(); ++i) CHECK(fa[i].name == fb[i].name);
  CHECK(named(fa, "redelivered").value == double(a.redelivered));
  CHECK(named(fa, "redelivered").bad == (a.redelivered > 0));
  CHECK(figures_differ(named(fa, "processed"), named(fb, "processed")) == (a.processed != b.processed));
  // A run compared with itself differs nowhere.
  for (const auto& f : fa) CHECK_FALSE(figures_differ(f, f));
  // Rows for replication and memory appear for both runs when either has them.
  CHECK(summary_figures(a, true, true).size() == fa.size() + 8);
}

TEST_CASE("a variant reports the lesson's expectations as same or changed") {
  Totals lesson = totals_at_end("ack_redelivery.jsonl");
  Expectation holds{"processed", std::nullopt, std::nullopt, double(lesson.processed), "$.expect.processed"};
  Expectation moved{"redelivered", std::nullopt, std::nullopt, double(lesson.redelivered + 1), "$.expect.redelivered"};
  auto lines = judge_against_lesson({holds, moved}, lesson);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].same());
  CHECK_FALSE(lines[1].same());
  CHECK(std::string(lines[1].word()) == "changed");
  CHECK(lines[1].result.observed == double(lesson.redelivered));
}
