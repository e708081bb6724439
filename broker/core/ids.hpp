// Identifiers shared by every broker model, client and the trace.
#pragma once
#include <cstdint>
#include <limits>

namespace bs {

/// Index of a node (broker, producer or consumer) in the scenario's node list.
using NodeId = std::uint32_t;
/// Globally unique message id, assigned by the producer: the same id across retries,
/// so idempotent consumers and the checker can recognise duplicates.
using MsgId = std::uint64_t;

inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

}  // namespace bs
