// A node's "cores" key: read by the shared loader for every model and role, refused with
// its path when it is not an integer >= 1.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

using namespace bs;
using json = nlohmann::json;

namespace {
const std::string kQueue = R"({"name": "t", "duration_s": 5, "nodes": [
  {"name": "broker", "role": "broker", "queues": [{"name": "q"}]CORES},
  {"name": "p", "role": "producer", "broker": "broker", "routing_key": "q", "count": 1},
  {"name": "c", "role": "consumer", "broker": "broker", "queue": "q"}]})";

/// kQueue with `cores` (e.g. `, "cores": 4`) in the broker's object.
std::string queue_with(const std::string& cores) {
  std::string s = kQueue;
  return s.replace(s.find("CORES"), 5, cores);
}

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "x.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("cores: a node has one core unless it says more", "[loader][cores]") {
  CHECK(parse_scenario(queue_with(""), "x.json").node_cores == std::vector<int>{1, 1, 1});
  CHECK(parse_scenario(queue_with(R"(, "cores": 4)"), "x.json").node_cores == std::vector<int>{4, 1, 1});
}

TEST_CASE("cores: every node of every lesson may say how many cores it has", "[loader][cores]") {
  // The lessons cover both models and every role (broker, controller, producer, consumer).
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(BROKERSIM_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str());
    for (std::size_t i = 0; i < j["nodes"].size(); ++i) j["nodes"][i]["cores"] = static_cast<int>(i % 3) + 2;
    INFO(entry.path().filename().string());
    const Scenario s = parse_scenario(j.dump(), entry.path().string());
    REQUIRE(s.node_cores.size() == j["nodes"].size());
    for (std::size_t i = 0; i < s.node_cores.size(); ++i) CHECK(s.node_cores[i] == static_cast<int>(i % 3) + 2);
  }
  CHECK(files > 10);
}

TEST_CASE("cores: anything but an integer >= 1 is refused with its path", "[loader][cores][bad]") {
  CHECK_THAT(error_of(queue_with(R"(, "cores": 0)")),
             Catch::Contains("x.json: $.nodes[0].cores: expected an integer in [1, 1024], got 0"));
  CHECK_THAT(error_of(queue_with(R"(, "cores": "x")")), Catch::Contains("x.json: $.nodes[0].cores: expected an integer, got a string"));
  CHECK_THAT(error_of(queue_with(R"(, "cores": 1.5)")), Catch::Contains("x.json: $.nodes[0].cores: expected an integer, got a number 1.5"));
  CHECK_THAT(error_of(queue_with(R"(, "cores": 100000)")), Catch::Contains("$.nodes[0].cores: expected an integer in [1, 1024]"));
}

TEST_CASE("cores: a misspelling is caught by the model's loader and points at cores", "[loader][cores][bad]") {
  CHECK_THAT(error_of(queue_with(R"(, "core": 2)")), Catch::Contains("$.nodes[0].core: unknown key \"core\" (did you mean \"cores\"?)"));
}

TEST_CASE("cores: only a node may say it, not its queues", "[loader][cores][bad]") {
  std::string s = queue_with("");
  s.replace(s.find(R"({"name": "q"})"), 13, R"({"name": "q", "cores": 2})");
  CHECK_THAT(error_of(s), Catch::Contains("$.nodes[0].queues[0].cores: unknown key"));
}
