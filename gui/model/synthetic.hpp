// A generated trace with a chosen number of frames in flight, for the frame-time bench.
#pragma once
#include <cstddef>

#include "trace/trace.hpp"

namespace bs::gui {

/// 4 producers, 1 broker, 4 consumers; frames of every op, each 1 s in transit, sent
/// evenly so that `in_flight` frames are on the wire at every t in [1, 9]; a queue with
/// ready and unacked messages and consumers processing, so every view has work to draw.
Trace make_synthetic_trace(std::size_t in_flight);

}  // namespace bs::gui
