// The JSON Lines event trace: writing it during a run, reading it back anywhere.
#pragma once
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/event.hpp"

namespace bs {

/// Trace format version written in the header; readers refuse newer versions.
inline constexpr int kTraceVersion = 1;

/// The trace header: which scenario ran, with which seed, on which topology. `raw` keeps
/// the whole header line (scenario description, expectations, queues, ...).
struct TraceHeader {
  int version = kTraceVersion;
  std::string scenario;
  std::string title;
  std::string description;
  std::string model;
  std::uint64_t seed = 0;
  std::vector<std::string> node_names;  ///< NodeId i is node_names[i]
  std::vector<std::string> node_roles;  ///< "broker", "producer", "consumer"
  nlohmann::ordered_json raw;
};

/// A whole trace in memory.
struct Trace {
  TraceHeader header;
  std::vector<Event> events;  ///< in file order, which is simulated-time order
  nlohmann::ordered_json footer;  ///< verdict and totals; null if the run was cut short
};

/// A trace that cannot be read: names the file, the line and what was wrong.
class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes one JSON object per line: the header, every event, then the footer.
class TraceWriter final : public EventSink {
 public:
  /// `header` must hold "nodes": [{"name", "role"}, ...] in NodeId order.
  TraceWriter(std::ostream& out, nlohmann::ordered_json header);
  void on_event(const Event& e) override;
  void write_footer(const nlohmann::ordered_json& footer);

 private:
  std::ostream& out_;
  std::vector<std::string> names_;
};

/// One event as its JSON object, using the node names given.
nlohmann::ordered_json event_to_json(const Event& e, const std::vector<std::string>& node_names);

/// Read a trace file. Throws TraceError for a missing file, malformed JSON, a missing
/// header, a newer format version, an event naming an unknown kind or node, an event
/// without a node its kind needs (`link_down` without `peer`, ...) or a field of the wrong
/// type or out of its range (`msg` 1e300): "FILE:LINE: field "msg": expected an integer
/// id, got 1e+300" (docs/trace-format.md, "A trace that cannot be read").
Trace read_trace(const std::string& path);
/// The same, reading the file `chunk_bytes` at a time (each chunk's lines are parsed on
/// several threads); read_trace uses 64 MiB. Tests use small chunks to cross their edges.
Trace read_trace(const std::string& path, std::size_t chunk_bytes);

}  // namespace bs
