#include "run/cpu.hpp"

#include <string>

namespace bs::simrun {
namespace sg = simgrid::s4u;

void NodeCpu::submit(const ComputeRequest& r) {
  auto& lane = lanes_[r.lane];
  if (!lane) {
    lane = std::make_shared<Lane>();
    const std::string name = std::string(host_->get_name()) + ":lane" + std::to_string(r.lane);
    lane->worker = sg::Actor::create(name, host_, [this, l = lane] { work(*l); });
  }
  lane->queue.push_back(r);
  lane->ready->release();
}

void NodeCpu::work(Lane& lane) {
  // One core's work per item: an exec is never spread over several cores.
  const double flops_per_s = host_->get_speed();
  for (;;) {
    lane.ready->acquire();
    const ComputeRequest r = lane.queue.front();
    sg::this_actor::execute(r.work_s * flops_per_s);
    const std::uint64_t id = ++last_done_;
    done_.emplace(id, r.done);
    lane.queue.pop_front();
    // The payload names the completion (the Timer stays here, so a crash can void it).
    // Detached: the worker never waits for the node actor, the mailbox's permanent receiver.
    done_mb_->put_init(reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)), 0)->detach();
  }
}

std::optional<Timer> NodeCpu::take_done(void* payload) {
  auto it = done_.find(static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(payload)));
  if (it == done_.end()) return std::nullopt;
  const Timer t = it->second;
  done_.erase(it);
  return t;
}

void NodeCpu::crash() {
  for (auto& [id, lane] : lanes_) lane->worker->kill();
  lanes_.clear();
  done_.clear();
}

}  // namespace bs::simrun
