// The client and broker keys every model shares: a client's "broker" / "bootstrap" /
// "reconnect_ms" and "processing_ms", and a broker's "peers".
#pragma once
#include <string>
#include <vector>

#include "client/processing_time.hpp"
#include "scenario/json_in.hpp"
#include "scenario/scenario.hpp"

namespace bs {

/// The brokers a client may connect to, as the scenario gives them.
struct ClientBrokers {
  std::vector<NodeId> ids;          ///< in the order to try them
  std::vector<std::string> names;   ///< parallel to ids
  bool listed = false;              ///< given as "bootstrap" (a list), not the "broker" shorthand
  double reconnect_s = 0;           ///< "reconnect_ms" / 1000, or the model's default
  bool reconnect_given = false;     ///< "reconnect_ms" was in the file
};

/// Read a client's "broker" (one broker, the shorthand) or "bootstrap" (a non-empty list
/// of distinct brokers), exactly one of them, and "reconnect_ms" (>= 0). Throws
/// ScenarioError with the file, the JSON path and what was expected.
ClientBrokers load_client_brokers(const JsonIn& n, const Scenario& s, double default_reconnect_ms);

/// Read a broker's "peers": distinct other brokers, linked to it (both directions).
std::vector<NodeId> load_peers(const JsonIn& n, const Scenario& s, NodeId self);

/// Read a broker's "cluster_nodes" (RabbitMQ's cluster_formation.classic_config.nodes):
/// at least two distinct brokers, `self` among them; empty when the key is absent.
std::vector<NodeId> load_cluster_nodes(const JsonIn& n, const Scenario& s, NodeId self);

/// A client's "processing_ms": a number (fixed) or {"fixed"|"uniform"|"exponential": ...}.
ProcessingTime load_processing(const JsonIn& n);

/// Human list "b1, b2" of node names.
std::string node_list(const Scenario& s, const std::vector<NodeId>& ids);

}  // namespace bs
