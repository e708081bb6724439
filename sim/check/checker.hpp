// The checker: derives what happened to every message from the trace events alone.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "check/totals.hpp"
#include "common/event.hpp"

namespace bs {

/// Streaming checker. Feed it every event in trace order (it is an EventSink, so the
/// simulator can feed it directly when no trace file is written), then call totals().
/// Memory is bounded by the messages still in flight, not by those already settled.
class Checker final : public EventSink {
 public:
  /// node_names[i] names NodeId i (for the per-consumer tables).
  explicit Checker(std::vector<std::string> node_names);
  ~Checker() override;
  void on_event(const Event& e) override;
  /// Totals as of the last event fed; messages not yet settled count as pending.
  Totals totals() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bs
