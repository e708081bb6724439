#pragma once
#include <unordered_set>

#include "core/ids.hpp"

namespace bs {

/// The idempotency table of an idempotent consumer: ids of messages whose side effect
/// already happened. It models a database the consumers of one queue (or one consumer
/// group) share, so it survives consumer crashes; access is taken to be instantaneous.
class DedupeStore {
 public:
  bool seen(MsgId id) const { return ids_.count(id) != 0; }
  void record(MsgId id) { ids_.insert(id); }

 private:
  std::unordered_set<MsgId> ids_;
};

}  // namespace bs
