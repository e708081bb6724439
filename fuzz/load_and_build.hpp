// What the scenario harnesses share: load a scenario from bytes as `brokersim run` does,
// then its Try this variant, and build every node's state machine through the scenario's
// NodeFactory (no SimGrid: a factory only constructs the node).
//
// A harness may only see ScenarioError, the documented refusal of bad input; any other
// exception escapes to libFuzzer, which reports it as a crash (a finding).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"
#include "scenario/scenario_error.hpp"

namespace bs::fuzz {

/// Build every node of `s` (NodeId order), as a run does before it starts.
inline void build_nodes(const Scenario& s) {
  RunShared shared;
  for (const NodeFactory& make : s.factories) {
    auto node = make(shared);
    if (!node) __builtin_trap();  // a factory must build its node
  }
}

/// parse_scenario on `text`; if it loads: its nodes, then its Try this variant and that
/// variant's nodes. ScenarioError (bad input, refused with a message) ends the attempt.
inline void load_and_build(const std::string& text) {
  Scenario s;
  try {
    s = parse_scenario(text, "fuzz.json");
  } catch (const ScenarioError&) {
    return;
  }
  build_nodes(s);
  if (!s.try_this) return;
  try {
    build_nodes(try_this_variant(s));
  } catch (const ScenarioError&) {
  }
}

/// For the model harnesses: read the bytes as JSON (not JSON: nothing to do) and, if it
/// is an object whose "model" is not one of `keep`, force "model" to `keep[0]`, so that
/// every input reaches that model's loader and factories.
inline void load_as_model(const std::uint8_t* data, std::size_t size, std::initializer_list<const char*> keep) {
  nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return;
  bool kept = false;
  if (auto it = doc.find("model"); it != doc.end() && it->is_string())
    for (const char* m : keep) kept = kept || *it == m;
  if (!kept) doc["model"] = *keep.begin();
  load_and_build(doc.dump());
}

}  // namespace bs::fuzz
