#include "model/playhead.hpp"

#include <algorithm>

namespace bs::gui {

namespace {
std::shared_ptr<const Checkpoints> checkpoints_for(const TraceModel& m, std::size_t every) {
  if (every == 0 || every == m.checkpoints->every) return m.checkpoints;
  return std::make_shared<const Checkpoints>(replay_with_checkpoints(m.trace, m.topo, every));
}
}  // namespace

Playhead::Playhead(std::shared_ptr<const TraceModel> m, std::size_t checkpoint_every)
    : model_(std::move(m)), cps_(checkpoints_for(*model_, checkpoint_every)), state_(cps_->list.front().state) {}

void Playhead::apply_until(std::size_t n) {
  const auto& ev = model_->trace.events;
  n = std::min(n, ev.size());
  for (; next_ < n; ++next_) state_.apply(ev[next_], next_);
}

void Playhead::restore(std::size_t k) {
  state_ = cps_->list[k].state;
  next_ = cps_->list[k].next;
}

void Playhead::seek_to_event(std::size_t n) {
  n = std::min(n, model_->trace.events.size());
  const std::size_t k = std::min(n / cps_->every, cps_->list.size() - 1);
  const std::size_t from = cps_->list[k].next;
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
