// Playback in simulated time: how far one rendered frame moves the viewed time.
#pragma once
#include "model/packets.hpp"

namespace bs::gui {

/// Wall seconds a message frame takes to cross its link in slow motion.
inline constexpr double kHopWallSeconds = 0.6;

/// The viewed time after one frame of `wall_dt` wall seconds at `speed` (simulated
/// seconds per wall second). With `slow_motion`, time slows down while a frame carrying a
/// message is on the wire so that its hop takes kHopWallSeconds, and playback stops at
/// each such frame's send time rather than jumping over a whole hop: a 5 ms hop between
/// 200 ms of processing stays visible. Dot positions still follow
/// (t - t_send) / (t_recv - t_send) exactly; only the pace of the clock changes.
double advance_play(const PacketIndex& packets, double t, double wall_dt, double speed, bool slow_motion);

}  // namespace bs::gui
