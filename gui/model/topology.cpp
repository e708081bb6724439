#include "model/topology.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace bs::gui {
namespace {
Role role_of(const std::string& r) {
  if (r == "producer") return Role::Producer;
  if (r == "broker") return Role::Broker;
  if (r == "consumer") return Role::Consumer;
  if (r == "controller") return Role::Controller;
  if (r == "store") return Role::Store;
  return Role::Other;
}

// Whether every node linked to store `s` in the header is a producer (and one is).
bool only_producers_use(const TraceHeader& h, NodeId s) {
  if (!h.raw.contains("links") || !h.raw["links"].is_array() || s >= h.node_names.size()) return false;
  bool any = false;
  for (const auto& l : h.raw["links"]) {
    if (!l.is_object()) continue;
    const std::string a = l.value("a", ""), b = l.value("b", "");
    const std::string* other = a == h.node_names[s] ? &b : b == h.node_names[s] ? &a : nullptr;
    if (!other) continue;
    const auto it = std::find(h.node_names.begin(), h.node_names.end(), *other);
    if (it == h.node_names.end()) continue;
    const std::size_t k = static_cast<std::size_t>(it - h.node_names.begin());
    if (k >= h.node_roles.size() || h.node_roles[k] != "producer") return false;
    any = true;
  }
  return any;
}

bool state_at(const std::vector<std::pair<double, bool>>& tr, double t) {
  // Last transition at or before t decides.
  auto it = std::upper_bound(tr.begin(), tr.end(), t, [](double v, const auto& p) { return v < p.first; });
  return it == tr.begin() ? false : std::prev(it)->second;
}
}  // namespace

Topology::Topology(const Trace& tr) : routing_(tr) {
  const auto& h = tr.header;
  names_ = h.node_names;
  std::size_t n = names_.size();
  roles_.resize(n);
  pos_.resize(n);
  node_tr_.resize(n);
  std::vector<NodeId> cols[4], controllers;
  for (NodeId i = 0; i < n; ++i) {
    roles_[i] = role_of(i < h.node_roles.size() ? h.node_roles[i] : "");
    if (roles_[i] == Role::Controller) {
      controllers.push_back(i);
      continue;
    }
    // A store sits by the clients that use it: a producing service's database in the
    // producers' column, the consumers' database right of the consumers.
    int c = roles_[i] == Role::Producer ? 0 : roles_[i] == Role::Consumer ? 2 : roles_[i] == Role::Store ? 3 : 1;
    if (roles_[i] == Role::Store && only_producers_use(h, i)) c = 0;
    cols[c].push_back(i);
  }
  brokers_ = cols[1].size();
  const bool stores = !cols[3].empty();
  const float xs[4] = {0.1f, stores ? 0.4f : 0.5f, stores ? 0.68f : 0.9f, 0.92f};
  // Controllers (a KRaft quorum) sit in a row above the brokers they manage.
  const float top = controllers.empty() ? 0.0f : 0.2f;
  for (std::size_t k = 0; k < controllers.size(); ++k)
    pos_[controllers[k]] = P2{0.5f + 0.16f * (static_cast<float>(k) - 0.5f * static_cast<float>(controllers.size() - 1)), 0.08f};
  for (int c = 0; c < 4; ++c)
    for (std::size_t k = 0; k < cols[c].size(); ++k)
      pos_[cols[c][k]] =
          P2{xs[c], top + (1.0f - top) * (static_cast<float>(k) + 0.5f) / static_cast<float>(cols[c].size())};

  if (h.raw.contains("links") && h.raw["links"].is_array()) {
    for (const auto& l : h.raw["links"]) {
      if (!l.is_object()) continue;
      LinkTiming lt;
      lt.a = find(l.value("a", ""));
      lt.b = find(l.value("b", ""));
      if (lt.a == kNoNode || lt.b == kNoNode) continue;
      if (l.contains("latency_ms") && l["latency_ms"].is_number()) lt.latency_s = l["latency_ms"].get<double>() / 1000.0;
      if (l.contains("bandwidth_mbps") && l["bandwidth_mbps"].is_number())
        lt.bandwidth_bps = l["bandwidth_mbps"].get<double>() * 1e6 / 8.0;
      links_.push_back(lt);
    }
  }
  if (links_.empty()) {
    std::set<std::pair<NodeId, NodeId>> seen;
    for (const auto& e : tr.events)
      if (e.kind == ev::NetSend && e.peer != kNoNode && e.node != kNoNode &&
          seen.insert({std::min(e.node, e.peer), std::max(e.node, e.peer)}).second)
        links_.push_back(LinkTiming{std::min(e.node, e.peer), std::max(e.node, e.peer), 0.001, 0});
  }
  link_tr_.resize(links_.size());
  client_tr_.resize(n);
  for (const auto& e : tr.events) {
    // Which broker each client talks to: the one it sent its latest frame to (a Kafka
    // client asks a bootstrap broker for metadata, then talks to the leader; an AMQP
    // client moves on after a failover).
    if (e.kind == ev::NetSend && e.node < n && roles_[e.node] != Role::Broker && e.peer < n &&
        roles_[e.peer] == Role::Broker) {
      auto& ct = client_tr_[e.node];
      if (ct.empty()) ct.emplace_back(-std::numeric_limits<double>::infinity(), e.peer);
      else if (ct.back().second != e.peer) ct.emplace_back(e.t, e.peer);
    }
    if ((e.kind == ev::Crash || e.kind == ev::Restart) && e.node < n)
      node_tr_[e.node].emplace_back(e.t, e.kind == ev::Crash);
    if (e.kind == ev::LinkDown || e.kind == ev::LinkUp || e.kind == ev::LinkLatency) {
      std::size_t li = link_index(e.node, e.peer);
      if (li == links_.size()) {  // a fault on a link the header did not list: still show it
        links_.push_back(LinkTiming{e.node, e.peer, 0.001, 0});
        link_tr_.emplace_back();
      }
      if (e.kind != ev::LinkLatency) {
        link_tr_[li].emplace_back(e.t, e.kind == ev::LinkDown);
      } else {
        if (link_slow_.size() < links_.size()) link_slow_.resize(links_.size());
        const double ms = static_cast<double>(e.seq) / 1000;
        link_slow_[li].emplace_back(e.t, ms > links_[li].latency_s * 1000 ? ms : 0.0);
      }
    }
  }
}

NodeId Topology::find(const std::string& name) const {
  for (NodeId i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  return kNoNode;
}

std::size_t Topology::link_index(NodeId a, NodeId b) const {
  for (std::size_t i = 0; i < links_.size(); ++i)
    if ((links_[i].a == a && links_[i].b == b) || (links_[i].a == b && links_[i].b == a)) return i;
  return links_.size();
}

P2 Topology::along(NodeId from, NodeId to, float frac) const {
  P2 a = pos(from), b = pos(to);
  return P2{a.x + (b.x - a.x) * frac, a.y + (b.y - a.y) * frac};
}

NodeId Topology::client_broker(NodeId n, double t) const {
  if (n >= client_tr_.size()) return kNoNode;
  const auto& ct = client_tr_[n];
  auto it = std::upper_bound(ct.begin(), ct.end(), t, [](double v, const auto& p) { return v < p.first; });
  return it == ct.begin() ? kNoNode : std::prev(it)->second;
}

bool Topology::node_down(NodeId n, double t) const { return n < node_tr_.size() && state_at(node_tr_[n], t); }

bool Topology::link_down(NodeId a, NodeId b, double t) const {
  std::size_t li = link_index(a, b);
  return li < link_tr_.size() && state_at(link_tr_[li], t);
}

double Topology::link_slow_ms(NodeId a, NodeId b, double t) const {
  const std::size_t li = link_index(a, b);
  if (li >= link_slow_.size()) return 0;
  const auto& tr = link_slow_[li];
  auto it = std::upper_bound(tr.begin(), tr.end(), t, [](double v, const auto& p) { return v < p.first; });
  return it == tr.begin() ? 0 : std::prev(it)->second;
}

}  // namespace bs::gui
