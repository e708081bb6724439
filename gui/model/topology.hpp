// Where nodes sit on the canvas and which nodes / links are down at a given time.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "model/packets.hpp"
#include "trace/trace.hpp"

namespace bs::gui {

/// A point in canvas-normalized coordinates: (0,0) top-left, (1,1) bottom-right.
struct P2 {
  float x = 0, y = 0;
};

/// What a node is, from the header's "role".
enum class Role { Producer, Broker, Consumer, Other };

/// Node placement, links and fault history of one trace.
class Topology {
 public:
  Topology() = default;
  /// Producers in a column on the left, brokers in the middle, consumers on the right.
  explicit Topology(const Trace& tr);

  std::size_t size() const { return pos_.size(); }
  P2 pos(NodeId n) const { return pos_.at(n); }
  Role role(NodeId n) const { return roles_.at(n); }
  const std::string& name(NodeId n) const { return names_.at(n); }
  /// Node id by name, kNoNode if unknown.
  NodeId find(const std::string& name) const;
  /// Links of the header (or, if it lists none, every pair that exchanged a frame).
  const std::vector<LinkTiming>& links() const { return links_; }
  /// Point of a frame at `frac` along from -> to.
  P2 along(NodeId from, NodeId to, float frac) const;

  /// True if the node is crashed at t (a crash at or before t with no restart since).
  bool node_down(NodeId n, double t) const;
  /// True if the link a-b is down at t.
  bool link_down(NodeId a, NodeId b, double t) const;

 private:
  std::vector<P2> pos_;
  std::vector<Role> roles_;
  std::vector<std::string> names_;
  std::vector<LinkTiming> links_;
  // Transitions (t, down?) in time order, per node and per link (index into links_).
  std::vector<std::vector<std::pair<double, bool>>> node_tr_, link_tr_;
  std::size_t link_index(NodeId a, NodeId b) const;
};

}  // namespace bs::gui
