// A broker's routing drawn inside its box on the topology canvas: exchanges on the
// producers' side, queues on the consumers' side, bindings as edges between them
// labelled with their binding key (or header match), dead-letter exchanges, and the
// routing decisions of the last moment lit up (docs/gui.md, "Routing").
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

#include "canvas_text.hpp"
#include "model/topology.hpp"

namespace bs::gui {

/// Where a broker's exchanges, queues and bindings are, in pixels, this frame.
struct RoutingLayout {
  struct Box {
    ImVec2 lo, hi;
  };
  struct ExchangeBox {
    int index = -1;  ///< into RoutingGraph::exchanges()
    Box box;
  };
  struct QueueBox {
    std::string name;
    Box box;
    float name_y = 0;  ///< centre of the name line
  };
  struct Edge {
    int exchange = -1, binding = -1;  ///< indices into the graph
    int queue = -1;                   ///< into queues
    ImVec2 from, to;                  ///< exchange's right side, the binding's line in the queue box
    float label_x = 0;                ///< where the binding's key is written, inside the queue box
    std::vector<std::string> lines;   ///< the key as written: one line, or a header match over several
  };
  float em = 13;        ///< font size of the text inside the broker (smaller than the UI's when it must fit)
  bool active = false;  ///< false: no routing in the trace, or several brokers (drawn as before)
  NodeId broker = kNoNode;
  Box frame;            ///< the broker's box around all of it
  std::vector<ExchangeBox> exchanges;
  std::vector<QueueBox> queues;
  std::vector<Edge> edges;
  /// The point of the broker's box where a client's link ends: the exchange a producer
  /// publishes to, the queue a consumer reads; the frame's side otherwise.
  ImVec2 anchor(const Topology& topo, NodeId client) const;
  int exchange_box(int index) const;
  int queue_box(const std::string& name) const;
  /// The audit's and the captions' name of an exchange box ("broker/exchange logs") and
  /// of a queue box ("broker/queue q1").
  std::string exchange_node(const Topology& topo, std::size_t box) const;
  std::string queue_node(const Topology& topo, std::size_t box) const;
  /// Adds the exchange and queue boxes to the canvas's nodes (before any caption is placed).
  void report_nodes(const Topology& topo, CanvasText& ct) const;
};

/// Lay out the routing of the only broker of `topo` inside [lo, hi] (pixels). Inactive
/// when the trace has no routing or has several brokers.
RoutingLayout layout_routing(const Topology& topo, ImVec2 lo, ImVec2 hi, float em);

/// Draw the broker's box, its bindings and dead-letter edges (under the frames in flight).
void draw_routing_back(ImDrawList* dl, const Topology& topo, const RoutingLayout& lay, double t, const CanvasText& ct);
/// Draw the exchange and queue boxes and the routing decisions of (t - flash_s, t]: the
/// bindings each message matched, lit in its colour with its key, a message leaving the
/// exchange through no binding (unroutable, or returned), a dead-lettered message going
/// to its dead-letter exchange. Drawn over the frames in flight.
/// Captions go where `ct` finds room for them.
void draw_routing_front(ImDrawList* dl, const Topology& topo, const RoutingLayout& lay, double t, double flash_s,
                        MsgId selected, const CanvasText& ct);

}  // namespace bs::gui
