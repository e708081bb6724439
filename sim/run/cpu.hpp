// A node's simulated CPU: the serial lanes of work it asked for with Context::compute,
// each run by a worker actor on the node's host, so lanes share the host's cores through
// SimGrid's CPU model. Completions go back to the node actor through a mailbox of their own.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include <simgrid/s4u.hpp>

#include "core/node.hpp"

namespace bs::simrun {

class NodeCpu {
 public:
  /// The CPU of the node on `host`; completions are sent to `done_mailbox`, which only
  /// the node's actor reads.
  NodeCpu(simgrid::s4u::Host* host, simgrid::s4u::Mailbox* done_mailbox) : host_(host), done_mb_(done_mailbox) {}
  NodeCpu(const NodeCpu&) = delete;
  NodeCpu& operator=(const NodeCpu&) = delete;

  /// Queue one work item at the end of its lane; a lane's worker starts with its first item.
  void submit(const ComputeRequest& r);
  /// True once the node has a lane: from then on its actor listens on done_mailbox().
  bool active() const { return !lanes_.empty(); }
  simgrid::s4u::Mailbox* done_mailbox() const { return done_mb_; }
  /// The done timer of the completed item a payload from done_mailbox() names; nothing
  /// for an item of an earlier incarnation (it completed just before a crash).
  std::optional<Timer> take_done(void* payload);
  /// The node crashed: kill every lane's worker and forget its pending and running work.
  void crash();

 private:
  struct Lane {
    std::deque<ComputeRequest> queue;  ///< front = the item running (or about to)
    simgrid::s4u::SemaphorePtr ready = simgrid::s4u::Semaphore::create(0);  ///< one token per queued item
    simgrid::s4u::ActorPtr worker;
  };
  void work(Lane& lane);

  simgrid::s4u::Host* host_;
  simgrid::s4u::Mailbox* done_mb_;
  // Ordered, so that a crash kills the workers in a fixed order. shared_ptr: a killed
  // worker unwinds after the crash has dropped its lane.
  std::map<std::uint64_t, std::shared_ptr<Lane>> lanes_;
  std::unordered_map<std::uint64_t, Timer> done_;  // completed, not yet taken, by payload id
  std::uint64_t last_done_ = 0;  // never reset: an id from before a crash cannot come back
};

}  // namespace bs::simrun
