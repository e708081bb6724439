// High-contrast colours and the font, chosen for a projector in a lit lecture hall.
#pragma once
#include <imgui.h>

#include "model/markers.hpp"
#include "model/packets.hpp"
#include "model/topology.hpp"

namespace bs::gui::theme {

inline constexpr ImU32 kBackground = IM_COL32(14, 16, 22, 255);
inline constexpr ImU32 kCanvas = IM_COL32(70, 78, 95, 255);  ///< canvas frames
inline constexpr ImU32 kText = IM_COL32(245, 245, 245, 255);
inline constexpr ImU32 kDim = IM_COL32(150, 155, 165, 255);
inline constexpr ImU32 kLink = IM_COL32(120, 130, 150, 255);
/// A link between two brokers of a cluster (inter-node traffic).
inline constexpr ImU32 kPeerLink = IM_COL32(205, 150, 70, 255);
/// Behind the brokers of a multi-broker scenario (the cluster column).
inline constexpr ImU32 kClusterFill = IM_COL32(40, 44, 56, 255);
inline constexpr ImU32 kDown = IM_COL32(255, 70, 70, 255);
inline constexpr ImU32 kLeader = IM_COL32(255, 200, 60, 255);  ///< Raft leaders, queue leaders
inline constexpr ImU32 kCrashed = IM_COL32(90, 90, 95, 255);
inline constexpr ImU32 kRedelivered = IM_COL32(255, 210, 0, 255);
inline constexpr ImU32 kPass = IM_COL32(90, 230, 120, 255);  ///< an expectation that holds
inline constexpr ImU32 kReordered = IM_COL32(255, 60, 60, 255);
inline constexpr ImU32 kDuplicate = IM_COL32(255, 80, 255, 255);
inline constexpr ImU32 kSelected = IM_COL32(255, 255, 255, 255);
inline constexpr ImU32 kPlayhead = IM_COL32(255, 255, 255, 255);

/// Colour of run i's letter and title when several runs are shown: A white, B the what-if
/// yellow (as before), C light blue, D lavender; further runs repeat them.
inline ImU32 run_color(std::size_t i) {
  constexpr ImU32 kRuns[] = {kText, kRedelivered, IM_COL32(110, 200, 255, 255), IM_COL32(195, 160, 255, 255)};
  return kRuns[i % 4];
}

/// Fill colour of a node box by role.
ImU32 role_color(Role r);
/// Colour of a timeline marker kind.
ImU32 marker_color(MarkerKind k);
/// Load the UI font (DejaVu Sans, rasterized at twice its size so scaling up stays
/// sharp) and set the style; returns the FontGlobalScale that means "scale 1".
float setup(bool light_background);
/// Apply a user font scale (1 = the default size, never smaller than ImGui's default font).
void set_font_scale(float user_scale);

/// Draw an op's shape centred at p with radius r (the legend and the canvas share it).
void draw_op_shape(ImDrawList* dl, ImVec2 p, float r, Op op, ImU32 fill, ImU32 outline);

}  // namespace bs::gui::theme
