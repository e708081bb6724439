#include "model/synthetic.hpp"
#include "vocabulary/vocabulary.hpp"

#include <string>

namespace bs::gui {

Trace make_synthetic_trace(std::size_t in_flight) {
  Trace tr;
  auto& h = tr.header;
  h.scenario = "synthetic";
  h.title = "Synthetic load (" + std::to_string(in_flight) + " frames in flight)";
  h.description = "Generated for the frame-time bench: every frame spends 1 s on its link.";
  h.model = "queue";
  nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
  auto add = [&](const std::string& n, const std::string& role) {
    h.node_names.push_back(n);
    h.node_roles.push_back(role);
    nodes.push_back({{"name", n}, {"role", role}});
  };
  add("broker", "broker");
  for (int i = 1; i <= 4; ++i) add("p" + std::to_string(i), "producer");
  for (int i = 1; i <= 4; ++i) add("c" + std::to_string(i), "consumer");
  h.raw = {{"type", "header"}, {"format", "brokersim-trace"}, {"version", 1}, {"nodes", nodes},
           {"queues", {"work"}}, {"duration_s", 10}};
  const char* ops[] = {"publish", "confirm", "deliver", "ack", "heartbeat", "nack"};
  // Frame k is sent at k / in_flight and arrives 1 s later: in_flight frames are always up.
  std::size_t n = in_flight * 10;
  std::vector<Event> recvs;  // pending receipts, already in time order
  std::size_t ri = 0;
  MsgId next_msg = 1;
  std::int64_t pos = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double t = static_cast<double>(k) / static_cast<double>(in_flight);
    while (ri < recvs.size() && recvs[ri].t <= t) tr.events.push_back(recvs[ri++]);
    NodeId prod = 1 + static_cast<NodeId>(k % 4), cons = 5 + static_cast<NodeId>((k / 4) % 4);
    const char* op = ops[k % 6];
    bool to_consumer = k % 6 == 2 || k % 6 == 4;
    bool from_consumer = k % 6 == 3 || k % 6 == 5;
    Event s;
    s.t = t;
    s.kind = ev::NetSend;
    s.pkt = k + 1;
    s.node = from_consumer ? cons : (to_consumer || k % 6 == 1) ? 0 : prod;
    s.peer = from_consumer ? 0 : to_consumer ? cons : k % 6 == 1 ? prod : 0;
    s.seq = 128;
    MsgId m = k % 6 == 4 ? 0 : next_msg++;
    s.items.push_back(NetItem{op, m});
    tr.events.push_back(s);
    Event r;
    r.t = t + 1.0;
    r.kind = ev::NetRecv;
    r.pkt = s.pkt;
    r.node = s.peer;
    r.peer = s.node;
    recvs.push_back(r);
    // Some queue traffic so the internals and consumer views are not empty.
    if (k % 50 == 0) {
      Event e;
      e.t = t;
      e.kind = ev::Enqueue;
      e.node = 0;
      e.msg = 1000000 + k;
      e.queue = "work";
      e.seq = pos++;
      tr.events.push_back(e);
      if (k % 100 == 0) {
        e.kind = ev::Deliver;
        e.peer = cons;
        e.tag = static_cast<std::int64_t>(k);
        tr.events.push_back(e);
        e.kind = ev::Process;
        e.node = cons;
        tr.events.push_back(e);
      }
    }
  }
  while (ri < recvs.size()) tr.events.push_back(recvs[ri++]);
  return tr;
}

}  // namespace bs::gui
