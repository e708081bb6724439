#include "trace/chrome_trace.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "vocabulary/event_read.hpp"
#include "vocabulary/vocabulary.hpp"

namespace bs {
namespace {
constexpr int kPid = 1;
constexpr double kMarkUs = 1;  // a publish or enqueue slice: just long enough to hold an arrow's end

double us(double seconds) { return seconds * 1e6; }
int tid(NodeId n) { return static_cast<int>(n) + 1; }

nlohmann::json slice(const char* cat, std::string name, NodeId node, double ts_us, double dur_us, nlohmann::json args) {
  return {{"ph", "X"}, {"cat", cat},     {"name", std::move(name)}, {"pid", kPid},
          {"tid", tid(node)}, {"ts", ts_us}, {"dur", dur_us},        {"args", std::move(args)}};
}
nlohmann::json flow(const char* ph, std::uint64_t id, NodeId node, double ts_us) {
  nlohmann::json f = {{"ph", ph}, {"cat", "message"}, {"name", "message"}, {"id", id}, {"pid", kPid}, {"tid", tid(node)}, {"ts", ts_us}};
  if (std::string_view(ph) == "f") f["bp"] = "e";  // bind to the slice that encloses it: the processing
  return f;
}

// Where a message was published and stored, as the flow arrows need it.
struct Origin {
  NodeId producer = kNoNode;
  double published = -1;
  std::vector<std::pair<std::string, std::pair<NodeId, double>>> stored;  // queue -> (broker, when)
};
}  // namespace

nlohmann::json to_chrome_trace(const Trace& trace) {
  const auto& names = trace.header.node_names;
  const auto& roles = trace.header.node_roles;
  nlohmann::json events = nlohmann::json::array();
  events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", kPid},
                    {"args", {{"name", fmt::format("brokersim: {} (seed {})", trace.header.scenario, trace.header.seed)}}}});
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto n = static_cast<NodeId>(i);
    const std::string role = i < roles.size() ? roles[i] : "";
    events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", kPid}, {"tid", tid(n)},
                      {"args", {{"name", role.empty() ? names[i] : names[i] + " (" + role + ")"}}}});
    events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", kPid}, {"tid", tid(n)}, {"args", {{"sort_index", i}}}});
  }
  const auto name_of = [&](NodeId n) { return n < names.size() ? names[n] : std::string("?"); };

  std::map<MsgId, Origin> origin;
  std::map<std::uint64_t, std::pair<NodeId, std::vector<MsgId>>> frames;  // pkt -> (to, messages carried)
  std::map<std::pair<NodeId, MsgId>, double> arrived;                     // (node, msg) -> when its frame arrived
  std::map<std::pair<NodeId, MsgId>, double> delivered;                   // (consumer, msg) -> deliver, without network events
  std::map<NodeId, double> busy_until;                                    // a consumer's previous processing end
  std::uint64_t next_flow = 0;

  for (const Event& e : trace.events) {
    const double ts = us(e.t);
    if (e.kind == ev::NetSend) {
      auto& f = frames[e.pkt];
      f.first = e.peer;
      for (const auto& item : e.items)
        if (item.msg) f.second.push_back(item.msg);
    } else if (e.kind == ev::NetRecv) {
      auto it = frames.find(e.pkt);
      if (it == frames.end()) continue;
      for (MsgId m : it->second.second) arrived[{e.node, m}] = e.t;
      frames.erase(it);
    } else if (e.kind == ev::Publish) {
      Origin& o = origin[e.msg];
      if (o.published >= 0) continue;  // a retry: the arrow starts at the first send
      o.producer = e.node;
      o.published = e.t;
      events.push_back(slice("publish", fmt::format("publish m{}", e.msg), e.node, ts, kMarkUs, {{"msg", e.msg}}));
    } else if (kind_name(e.kind) == "enqueue" || kind_name(e.kind) == "append") {
      if (!e.msg) continue;
      origin[e.msg].stored.push_back({e.queue, {e.node, e.t}});
      events.push_back(slice("store", fmt::format("{} m{} {}", kind_name(e.kind), e.msg, e.queue), e.node, ts, kMarkUs,
                             {{"msg", e.msg}, {"queue", e.queue}}));
    } else if (kind_name(e.kind) == "deliver") {
      delivered[{e.peer, e.msg}] = e.t;
    } else if (e.kind == ev::Process) {
      // The consumer took the message when it arrived, or when it finished the one before.
      double start = e.t;
      if (auto a = arrived.find({e.node, e.msg}); a != arrived.end()) start = a->second;
      else if (auto d = delivered.find({e.node, e.msg}); d != delivered.end()) start = d->second;
      if (auto b = busy_until.find(e.node); b != busy_until.end()) start = std::max(start, b->second);
      start = std::min(start, e.t);
      busy_until[e.node] = e.t;
      arrived.erase({e.node, e.msg});
      delivered.erase({e.node, e.msg});
      nlohmann::json args = {{"msg", e.msg}, {"queue", e.queue}};
      if (field::flag<"redelivered">(e)) args["redelivered"] = true;
      events.push_back(slice("process", fmt::format("process m{}", e.msg), e.node, us(start), ts - us(start), std::move(args)));
      auto o = origin.find(e.msg);
      if (o == origin.end() || o->second.published < 0) continue;
      const std::uint64_t id = ++next_flow;
      events.push_back(flow("s", id, o->second.producer, us(o->second.published)));
      const auto& stored = o->second.stored;
      auto hop = std::find_if(stored.begin(), stored.end(), [&](const auto& s) { return s.first == e.queue; });
      if (hop == stored.end() && !stored.empty()) hop = stored.begin();
      if (hop != stored.end() && hop->second.second <= start) events.push_back(flow("t", id, hop->second.first, us(hop->second.second)));
      events.push_back(flow("f", id, e.node, us(start)));
    } else if (e.kind == ev::Crash || e.kind == ev::Restart) {
      events.push_back({{"ph", "i"}, {"s", "t"}, {"cat", "fault"}, {"name", fmt::format("{} {}", kind_name(e.kind), name_of(e.node))},
                        {"pid", kPid}, {"tid", tid(e.node)}, {"ts", ts}});
    } else if (e.kind == ev::LinkDown || e.kind == ev::LinkUp || e.kind == ev::LinkLatency) {
      events.push_back({{"ph", "i"}, {"s", "t"}, {"cat", "fault"},
                        {"name", fmt::format("{} {}-{}", kind_name(e.kind), name_of(e.node), name_of(e.peer))},
                        {"pid", kPid}, {"tid", tid(e.node)}, {"ts", ts}});
    }
  }
  return {{"traceEvents", std::move(events)},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"scenario", trace.header.scenario}, {"title", trace.header.title}, {"seed", trace.header.seed},
                         {"model", trace.header.model}, {"time_unit", "simulated microseconds"}}}};
}

void write_chrome_trace(const std::string& path, const Trace& trace) {
  std::ofstream out(path);
  out << to_chrome_trace(trace).dump() << '\n';
  if (!out) throw TraceError(fmt::format("{}: cannot write the Perfetto file", path));
}

ScratchFile::~ScratchFile() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace bs
