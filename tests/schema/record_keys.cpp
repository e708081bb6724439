// Prints the loader's key tables as it applies them to one scenario, for
// schema_agrees.py: one JSON line per object the loader checks with expect_object,
//   {"doc": "lesson" | "variant", "path": "$.nodes[2]", "keys": ["name", "role", ...]}
// ("variant": the scenario with its try_this patch applied), then, for a lesson with a
// try_this, {"variant_document": {...}}, the patched document the variant lines describe.
// Exit 2 (with the loader's message) if the scenario does not load.
// With --metrics instead of a scenario: the metric names an expect block may use (the
// checker's totals), as one JSON array.
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/totals.hpp"
#include "scenario/json_in.hpp"
#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

namespace {
struct Recorder : bs::KeyCheckObserver {
  struct Seen {
    std::string path;
    std::vector<std::string> keys;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  void checked(const std::string& path, const std::vector<std::string>& allowed) override {
    seen.push_back({path, allowed});
  }
};

void print(const char* doc, const Recorder::Seen& s) {
  std::cout << nlohmann::json{{"doc", doc}, {"path", s.path}, {"keys", s.keys}}.dump() << "\n";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: brokersim_schema_keys SCENARIO.json | --metrics\n";
    return 2;
  }
  if (std::string(argv[1]) == "--metrics") {
    std::cout << nlohmann::json(bs::total_names()).dump() << "\n";
    return 0;
  }
  try {
    // Loading a lesson also loads its try_this variant (the loader refuses a patch that
    // does not apply): the variant's checks are the tail of the first recording, the
    // whole of the second.
    Recorder all;
    bs::JsonIn::key_observer = &all;
    const bs::Scenario lesson = bs::load_scenario(argv[1]);
    Recorder variant;
    bs::JsonIn::key_observer = &variant;
    bs::Scenario v;
    if (lesson.try_this) v = bs::try_this_variant(lesson);
    bs::JsonIn::key_observer = nullptr;
    const std::size_t n = all.seen.size(), k = variant.seen.size();
    if (k > n || !std::equal(variant.seen.begin(), variant.seen.end(), all.seen.begin() + static_cast<long>(n - k))) {
      std::cerr << argv[1] << ": the variant's key checks are not the tail of the lesson's load\n";
      return 3;
    }
    for (std::size_t i = 0; i < n - k; ++i) print("lesson", all.seen[i]);
    for (const auto& s : variant.seen) print("variant", s);
    if (lesson.try_this) std::cout << nlohmann::json{{"variant_document", v.document}}.dump() << "\n";
  } catch (const bs::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  return 0;
}
