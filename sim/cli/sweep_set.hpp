// One `--set KEY=v1,v2,...` argument of `brokersim sweep`: where in the scenario file, and
// which values.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bs {

/// A place in the scenario file and the values a sweep gives it, one grid axis.
struct SweepSet {
  std::string arg;  ///< the argument as given, for messages
  std::string key;  ///< KEY as the user wrote it: the CSV column's name
  nlohmann::ordered_json::json_pointer pointer;  ///< where KEY is in the file
  std::vector<nlohmann::ordered_json> values;    ///< in the order given, at least one
};

/// Parse `arg` ("KEY=v1,v2,...") against the scenario document `doc` (the file as read).
/// KEY is a JSON Pointer (`/nodes/3/prefetch`, RFC 6901, as try_this patches use) or a
/// dotted path: `c1.prefetch` and `nodes.c1.prefetch` (a node by name), `duration_s`,
/// `network.latency_ms`, `broker.queues.tasks.max_length` (an array entry by its "name",
/// or by index: `faults.0.at_s`). A top-level key wins over a node of the same name;
/// `nodes.NAME` always means the node. Every step but the last must exist in the file; the
/// last may be a key the file leaves at its default (the loader then judges it).
/// Values are split at commas outside quotes and brackets and read as JSON (`10`, `0.5`,
/// `true`, `"a,b"`, `{"exponential": 100}`); a bare word such as `auto` is a string.
/// Throws ScenarioError naming `arg`: no '=', an unknown node or key, a path not in the
/// file, `seed` (use --seeds), `try_this`, an empty value list or value, a value repeated,
/// a value that is not JSON (`1e400`, `[1,`).
SweepSet parse_sweep_set(const std::string& arg, const nlohmann::ordered_json& doc);

}  // namespace bs
