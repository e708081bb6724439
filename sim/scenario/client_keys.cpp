#include "scenario/client_keys.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace bs {
namespace {
/// A node named at `at` that must be a broker.
NodeId broker_ref(const Scenario& s, const JsonIn& at, const std::string& name) {
  const NodeId id = s.find_node(name);
  if (id == kNoNode) at.fail(fmt::format("unknown node \"{}\" (nodes: {})", name, fmt::join(s.node_names, ", ")));
  if (s.node_roles[id] != "broker") at.fail(fmt::format("\"{}\" is a {}, not a broker", name, s.node_roles[id]));
  return id;
}

/// Distinct broker names from the array at `key` ("bootstrap", "peers").
std::vector<NodeId> broker_array(const JsonIn& n, const Scenario& s, const char* key) {
  JsonIn arr = n.at(key);
  if (!arr.json().is_array()) arr.fail(fmt::format("expected an array of broker names, got {}", json_type_phrase(arr.json())));
  std::vector<NodeId> out;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    JsonIn e = arr.at(i);
    if (!e.json().is_string()) e.fail("expected a broker name, got " + json_type_phrase(e.json()));
    const std::string name = e.json().get<std::string>();
    const NodeId id = broker_ref(s, e, name);
    if (std::find(out.begin(), out.end(), id) != out.end()) e.fail(fmt::format("broker \"{}\" is listed twice", name));
    out.push_back(id);
  }
  return out;
}
}  // namespace

std::string node_list(const Scenario& s, const std::vector<NodeId>& ids) {
  std::vector<std::string> names;
  for (NodeId id : ids) names.push_back(s.node_names[id]);
  return fmt::format("{}", fmt::join(names, ", "));
}

ClientBrokers load_client_brokers(const JsonIn& n, const Scenario& s, double default_reconnect_ms) {
  ClientBrokers c;
  if (n.has("broker") && n.has("bootstrap"))
    n.fail("give \"broker\" (one broker) or \"bootstrap\" (a list of brokers), not both");
  if (n.has("broker")) {
    c.ids.push_back(broker_ref(s, n.at("broker"), n.str("broker")));
  } else if (n.has("bootstrap")) {
    c.listed = true;
    c.ids = broker_array(n, s, "bootstrap");
    if (c.ids.empty()) n.at("bootstrap").fail("expected at least one broker");
  } else {
    n.fail("missing required key \"broker\" (the broker this client connects to), or give \"bootstrap\" (brokers to try in turn)");
  }
  for (NodeId id : c.ids) c.names.push_back(s.node_names[id]);
  c.reconnect_given = n.has("reconnect_ms");
  c.reconnect_s = n.num("reconnect_ms", 0, 1e9, default_reconnect_ms) / 1000;
  return c;
}

std::vector<NodeId> load_cluster_nodes(const JsonIn& n, const Scenario& s, NodeId self) {
  if (!n.has("cluster_nodes")) return {};
  std::vector<NodeId> nodes = broker_array(n, s, "cluster_nodes");
  if (std::find(nodes.begin(), nodes.end(), self) == nodes.end())
    n.at("cluster_nodes").fail(fmt::format("list every member of the cluster, \"{}\" included", s.node_names[self]));
  if (nodes.size() < 2) n.at("cluster_nodes").fail("a cluster needs at least two nodes");
  return nodes;
}

std::vector<NodeId> load_peers(const JsonIn& n, const Scenario& s, NodeId self) {
  if (!n.has("peers")) return {};
  std::vector<NodeId> peers = broker_array(n, s, "peers");
  for (std::size_t i = 0; i < peers.size(); ++i)
    if (peers[i] == self) n.at("peers").at(i).fail("a broker cannot be its own peer");
  return peers;
}

ProcessingTime load_processing(const JsonIn& n) {
  ProcessingTime p;
  if (!n.has("processing_ms")) return p;
  JsonIn v = n.at("processing_ms");
  if (v.json().is_number()) {
    p.a = n.num("processing_ms", 0, 1e9) / 1000;
    return p;
  }
  v.expect_object({"fixed", "uniform", "exponential"});
  if (v.json().size() != 1) v.fail("expected exactly one of \"fixed\", \"uniform\", \"exponential\"");
  if (v.has("fixed")) {
    p.a = v.num("fixed", 0, 1e9) / 1000;
  } else if (v.has("exponential")) {
    p.kind = ProcessingTime::Kind::Exponential;
    p.a = v.num("exponential", 0, 1e9) / 1000;
  } else {
    JsonIn u = v.at("uniform");
    if (u.size() != 2 || !u.json()[0].is_number() || !u.json()[1].is_number()) u.fail("expected [min_ms, max_ms]");
    p.kind = ProcessingTime::Kind::Uniform;
    p.a = u.json()[0].get<double>() / 1000;
    p.b = u.json()[1].get<double>() / 1000;
    if (p.a < 0 || p.b < p.a || p.b > 1e6) u.fail("expected 0 <= min_ms <= max_ms <= 1e9");
  }
  return p;
}

}  // namespace bs
