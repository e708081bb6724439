#include "model/playback.hpp"

#include <algorithm>

namespace bs::gui {

double advance_play(const PacketIndex& packets, double t, double wall_dt, double speed, bool slow_motion) {
  double dt = wall_dt * speed;
  if (!slow_motion || dt <= 0) return t + dt;
  double span = packets.min_msg_span_at(t);
  if (span > 0) dt = std::min(dt, wall_dt * span / kHopWallSeconds);
  double next = packets.next_msg_send(t);
  if (next < t + dt) dt = next - t;  // land on the send so the hop starts on screen
  return t + dt;
}

}  // namespace bs::gui
