// brokersim explore's parts that need no simulation: drawing fault schedules from a seed,
// writing them as faults, shrinking against a known rule, and reading --promise.
#include <catch2/catch.hpp>

#include <string>

#include "explore/promise.hpp"
#include "explore/schedule.hpp"
#include "explore/shrink.hpp"
#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

using namespace bs;
using namespace bs::explore;

namespace {
const Scenario& scenario() {
  static const Scenario s = parse_scenario(R"({"name": "t", "duration_s": 10, "network": {"latency_ms": 5},
    "nodes": [
      {"name": "broker", "role": "broker", "queues": [{"name": "q"}]},
      {"name": "p", "role": "producer", "broker": "broker", "routing_key": "q", "count": 5},
      {"name": "c", "role": "consumer", "broker": "broker", "queue": "q"}]})",
                                           "t.json");
  return s;
}
}  // namespace

TEST_CASE("explore: a seed always draws the same schedule, inside the space it was given") {
  const Scenario& s = scenario();
  Space sp = default_space(s);
  sp.crashable = {s.find_node("c")};
  sp.max_episodes = 4;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const Schedule a = random_schedule(sp, run_seed(7, i));
    REQUIRE(a == random_schedule(sp, run_seed(7, i)));
    REQUIRE(!a.empty());
    REQUIRE(a.size() <= 4);
    for (const Episode& e : a) {
      CHECK(e.start_s >= sp.from_s);
      CHECK(e.start_s < sp.until_s);
      CHECK(e.length_s >= 0.001);
      CHECK(e.length_s <= sp.max_length_s);
      if (e.kind == Episode::Kind::Crash) CHECK(e.node == s.find_node("c"));
      if (e.kind == Episode::Kind::SlowLink) CHECK(e.latency_ms >= sp.min_latency_ms);
    }
  }
  CHECK(random_schedule(sp, run_seed(7, 0)) != random_schedule(sp, run_seed(7, 1)));
}

TEST_CASE("explore: every episode ends: a crash restarts, a cut link comes back, a slow link gets its latency back") {
  const Scenario& s = scenario();
  const NodeId c = s.find_node("c"), b = s.find_node("broker");
  const Schedule sch{{Episode::Kind::SlowLink, 0.5, 1.0, b, c, 300}, {Episode::Kind::Crash, 1.0, 0.25, c}};
  const auto args = fault_args(sch, s);
  REQUIRE(args == std::vector<std::string>{"0.500:link_latency:broker:c:300", "1.000:crash:c", "1.250:restart:c",
                                           "1.500:link_latency:broker:c:5"});
  const auto j = faults_json(sch, s);
  CHECK(j[0]["latency_ms"] == 300);
  CHECK(j[3]["latency_ms"] == 5);
  CHECK(describe(sch[1], s) == "c crashes at 1.000 s for 0.250 s");
}

TEST_CASE("explore: shrinking keeps only what breaks the promise, as late and as short as still breaks it") {
  const Scenario& s = scenario();
  const NodeId c = s.find_node("c"), p = s.find_node("p"), b = s.find_node("broker");
  Space sp = default_space(s);  // until 8 s
  // The rule under test: the promise breaks iff c is down for at least 0.1 s at some
  // moment before 3 s.
  auto breaks = [&](const Schedule& sch) {
    for (const Episode& e : sch)
      if (e.kind == Episode::Kind::Crash && e.node == c && e.start_s < 3.0 && e.length_s >= 0.1) return true;
    return false;
  };
  std::size_t batches = 0;
  const Oracle oracle = [&](const std::vector<Schedule>& batch) {
    ++batches;
    std::vector<bool> out;
    for (const auto& sch : batch) out.push_back(breaks(sch));
    return out;
  };
  const Schedule failing{{Episode::Kind::Partition, 0.2, 2.0, p, b},
                         {Episode::Kind::Crash, 0.4, 1.6, c},
                         {Episode::Kind::SlowLink, 0.9, 1.0, c, b, 800}};
  REQUIRE(breaks(failing));
  const ShrinkResult r = shrink(failing, sp, oracle, s);
  REQUIRE(r.minimal.size() == 1);
  const Episode& e = r.minimal.front();
  CHECK(e.kind == Episode::Kind::Crash);
  CHECK(e.node == c);
  CHECK(breaks(r.minimal));
  CHECK(e.start_s > 2.0);  // moved later, but still before 3 s
  CHECK(e.length_s < 0.2);  // shortened to near the 0.1 s the rule needs
  CHECK(r.steps.size() >= 4);
  CHECK(r.steps.front().what.rfind("dropped: ", 0) == 0);
  CHECK(r.runs > 0);
  CHECK(batches > 0);
  // Nothing smaller breaks it: one more shrink finds no step.
  CHECK(shrink(r.minimal, sp, oracle, s).steps.empty());
}

TEST_CASE("explore: a shrink stops at its run budget") {
  const Scenario& s = scenario();
  const Schedule failing{{Episode::Kind::Crash, 0.4, 1.6, s.find_node("c")}, {Episode::Kind::Crash, 0.5, 1.6, s.find_node("p")}};
  const ShrinkResult r =
      shrink(failing, default_space(s), [](const std::vector<Schedule>& b) { return std::vector<bool>(b.size(), true); }, s, 5);
  CHECK(r.runs == 5);
}

TEST_CASE("explore: --promise expressions become an expect block, and bad ones name the expression") {
  const auto j = promise_expect({"lost==0", "processed >= 10", "processed<=12", "latency_p99_ms <= 2.5"});
  CHECK(j.dump() == R"({"lost":{"eq":0},"processed":{"min":10,"max":12},"latency_p99_ms":{"max":2.5}})");
  for (const char* bad : {"lost", "lost==", "==0", "lost==zero", "lost < 1", "lost==0x"})
    CHECK_THROWS_AS(promise_expect({bad}), ScenarioError);
  CHECK_THROWS_WITH(promise_expect({"lost==0", "lost==1"}), Catch::Contains("already has a == bound"));
  CHECK_THROWS_WITH(promise_expect({"lost < 1"}), Catch::Contains("--promise \"lost < 1\""));
}
