// A brokersim trace as a Chrome trace event file ("JSON Object Format" of the Trace Event
// Format), which the Perfetto UI (ui.perfetto.dev) and chrome://tracing open.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "trace/trace.hpp"

namespace bs {

/// Convert a trace read back with read_trace. One process (the run), one thread track
/// per node, named "NAME (role)". On them:
/// - a complete event ("X") per processing, on the consumer, named "process mID": it
///   starts when the frame carrying the message arrived (its `net_recv`), or when the
///   consumer's previous processing ended if that is later (a consumer works on one
///   message at a time), and ends at the `process` event;
/// - a short slice per `publish` on the producer and per `enqueue` (or, in the log
///   model, `append`) on the broker, so that flow arrows can bind to them;
/// - flow events ("s", "t", "f") per processing, from the message's first publish,
///   through its enqueue on the way, to the processing: one arrow per copy processed;
/// - instant events ("i") for faults: crash, restart, link down and up.
/// Timestamps are simulated microseconds. Without network events (a trace written
/// without them) a processing starts at its `deliver` instead.
nlohmann::json to_chrome_trace(const Trace& trace);

/// Write to_chrome_trace(trace) to `path`. Throws TraceError when the file cannot be written.
void write_chrome_trace(const std::string& path, const Trace& trace);

/// A file removed when this goes out of scope (a trace written only to be converted).
class ScratchFile {
 public:
  explicit ScratchFile(std::string path) : path_(std::move(path)) {}
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  ~ScratchFile();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace bs
