// A loaded, validated scenario: topology, workload, fault schedule and expectations.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/expect.hpp"
#include "check/variant.hpp"
#include "client/dedupe_store.hpp"
#include "core/node.hpp"

namespace bs {

/// A network link between two nodes. Latency in simulated seconds, bandwidth bytes/s.
struct LinkSpec {
  NodeId a = kNoNode, b = kNoNode;
  double latency_s = 0.001;
  double bandwidth_Bps = 125e6;
};

/// One scheduled fault, at a simulated time in seconds.
struct FaultSpec {
  enum class Kind { Crash, Restart, LinkDown, LinkUp, LinkLatency } kind = Kind::Crash;
  double at_s = 0;
  NodeId node = kNoNode;
  NodeId peer = kNoNode;  ///< the other end, for link faults
  double latency_s = 0;   ///< LinkLatency: the link's one-way latency from `at_s` on
};

/// Objects shared by the nodes of one run (the idempotency stores).
struct RunShared {
  std::map<std::string, std::unique_ptr<DedupeStore>> dedupe;
  /// How far each replicated log (a quorum queue's) has been traced: the trace records
  /// an entry's effects once, when its first leader applies it, not again when a later
  /// leader or a restarted replica applies the same entry. The trace is the observer's
  /// record, not any node's memory.
  std::map<std::string, std::uint64_t> replicated_traced;
  DedupeStore& dedupe_store(const std::string& scope) {
    auto& p = dedupe[scope];
    if (!p) p = std::make_unique<DedupeStore>();
    return *p;
  }
};

/// Builds the state machine of one node for a run.
using NodeFactory = std::function<std::unique_ptr<Node>(RunShared&)>;

/// A lesson's suggested experiment (scenario key `try_this`, docs/scenario-format.md):
/// an RFC 6902 JSON Patch of the scenario and the outcome it predicts.
struct TryThis {
  std::string text;            ///< what to try, as the lesson page says it
  nlohmann::json patch;        ///< the JSON Patch operations (validated: they apply)
  nlohmann::json expect;       ///< the prediction, an expect block (validated on the patched scenario)
};

/// A scenario ready to run. Node i has NodeId i.
struct Scenario {
  std::string file;
  std::string name, title, description;
  std::string model;  ///< "queue" (AMQP/RabbitMQ) or "log" (Kafka)
  std::uint64_t seed = 1;
  double duration_s = 60;  ///< the run stops at this simulated time
  std::vector<std::string> node_names;
  std::vector<std::string> node_roles;
  std::vector<int> node_cores;  ///< CPU cores of each node's host (>= 1), its "cores"; missing = 1
  std::vector<LinkSpec> links;
  std::vector<FaultSpec> faults;
  std::vector<Expectation> expect;
  std::vector<NodeFactory> factories;  ///< by NodeId
  std::optional<TryThis> try_this;  ///< the lesson's Try this, if it has one
  nlohmann::json document;          ///< the scenario as read (the Try this patch applies to it)
  /// Set when this run is a variant of the lesson (--try, --fault): its own expectations
  /// are then reported as same / changed (check/variant.hpp).
  std::optional<Variant> variant;
  /// Extra header fields for the trace (queues, topics, expect, faults as written).
  nlohmann::ordered_json header_extra = nlohmann::ordered_json::object();

  NodeId find_node(const std::string& name) const;
};

/// Load and validate a scenario file. Throws ScenarioError naming the file, the JSON
/// path and what was expected.
Scenario load_scenario(const std::string& path);
/// Same, from text (`file` is used in messages).
Scenario parse_scenario(const std::string& text, const std::string& file);
/// Add a fault given as "T:crash:NODE", "T:restart:NODE", "T:link_down:A:B" or
/// "T:link_up:A:B", "T:link_latency:A:B:MS" (T in simulated seconds, MS milliseconds). Throws ScenarioError. The scenario becomes a
/// what-if: nothing is judged, its expectations are reported as same / changed, and the
/// trace header's `variant` lists the added faults.
void add_fault(Scenario& s, const std::string& spec);

/// The link between `a` and `b` (either way round), or nullptr if there is none.
const LinkSpec* find_link(const Scenario& s, NodeId a, NodeId b);
/// The lesson's Try this run: the scenario with its try_this patch applied, judged by the
/// try_this expect block, the lesson's own expectations kept in `variant` to be reported as
/// same / changed. Throws ScenarioError (naming $.try_this) if the lesson has none, the patch
/// does not apply, or the patched scenario is invalid.
Scenario try_this_variant(const Scenario& lesson);

}  // namespace bs
