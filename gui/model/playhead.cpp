#include "model/playhead.hpp"

#include <algorithm>

namespace bs::gui {
namespace {
// A window this long replays in a few tens of milliseconds; below it, no checkpoints.
constexpr std::size_t kMinWindow = 10000;
// At most this many checkpoints: each holds the messages in flight and the ledger (about
// 0.75 MB for bench/queue-1m.json), so 128 of them stay near 100 MB.
constexpr std::size_t kMaxCheckpoints = 128;
}  // namespace

SimState Playhead::initial_state() const {
  SimState s = sim_state_for(model_->trace);
  const auto& raw = model_->trace.header.raw;
  if (raw.contains("queues") && raw["queues"].is_array())
    for (const auto& q : raw["queues"])
      if (q.is_string()) {
        // "b1/orders": a name two brokers share is qualified by the broker that holds it.
        const std::string name = q.get<std::string>();
        const auto slash = name.find('/');
        NodeId broker = slash == std::string::npos ? kNoNode : model_->topo.find(name.substr(0, slash));
        if (broker != kNoNode && model_->topo.role(broker) != Role::Broker) broker = kNoNode;
        s.declare_queue(name, broker);
      }
  return s;
}

Playhead::Playhead(std::shared_ptr<const TraceModel> m, std::size_t checkpoint_every)
    : model_(std::move(m)), state_(initial_state()) {
  const std::size_t n = model_->trace.events.size();
  every_ = checkpoint_every ? checkpoint_every : std::max(kMinWindow, n / kMaxCheckpoints + 1);
  checkpoints_.push_back(Checkpoint{0, state_.without_history()});
  if (n <= every_) return;
  // First pass: fold the whole trace once, keeping a checkpoint every every_ events.
  for (std::size_t k = every_; k < n; k += every_) {
    apply_until(k);
    checkpoints_.push_back(Checkpoint{k, state_.without_history()});
  }
  apply_until(n);
  final_ = state_.take_history();
  state_ = checkpoints_.front().state;  // at the start, with empty lists
  next_ = 0;
}

void Playhead::apply_until(std::size_t n) {
  const auto& ev = model_->trace.events;
  n = std::min(n, ev.size());
  for (; next_ < n; ++next_) state_.apply(ev[next_], next_);
}

void Playhead::restore(std::size_t k) {
  const Checkpoint& c = checkpoints_[k];
  SimState s = c.state;
  // The processed lists: the current state's, cut down or completed from the final ones.
  s.with_history(state_.take_history(), final_);
  state_ = std::move(s);
  next_ = c.next;
}

void Playhead::seek_to_event(std::size_t n) {
  n = std::min(n, model_->trace.events.size());
  const std::size_t k = std::min(n / every_, checkpoints_.size() - 1);
  const std::size_t from = checkpoints_[k].next;
  // Replay from the checkpoint unless the current state is between it and the target.
  if (n < next_ || from > next_) restore(k);
  apply_until(n);
}

void Playhead::seek(double t) {
  const auto& ev = model_->trace.events;
  const auto it = std::upper_bound(ev.begin(), ev.end(), t, [](double v, const Event& e) { return v < e.t; });
  seek_to_event(static_cast<std::size_t>(it - ev.begin()));
}

}  // namespace bs::gui
