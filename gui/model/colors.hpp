// Colours that do not depend on ImGui, so the draw model can say what colour a dot is.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/ids.hpp"

namespace bs::gui {

/// Pack r, g, b, a (0..255) the way ImGui's IM_COL32 does (ABGR in memory order).
constexpr std::uint32_t rgba(int r, int g, int b, int a = 255) {
  return (static_cast<std::uint32_t>(a) << 24) | (static_cast<std::uint32_t>(b) << 16) |
         (static_cast<std::uint32_t>(g) << 8) | static_cast<std::uint32_t>(r);
}

/// A bright colour per message id: consecutive ids get hues far apart (golden-ratio
/// steps), so neighbouring messages m4 and m5 are never confused on a projector.
inline std::uint32_t msg_color(MsgId msg, int alpha = 255) {
  if (msg == 0) return rgba(200, 200, 200, alpha);
  double h = std::fmod(static_cast<double>(msg) * 0.618033988749895, 1.0) * 6.0;
  double s = 0.70, v = 1.0;
  int i = static_cast<int>(h);
  double f = h - i, p = v * (1 - s), q = v * (1 - s * f), u = v * (1 - s * (1 - f));
  double r = v, g = u, b = p;
  switch (i % 6) {
    case 0: r = v; g = u; b = p; break;
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = u; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = u; g = p; b = v; break;
    default: r = v; g = p; b = q; break;
  }
  return rgba(static_cast<int>(r * 255), static_cast<int>(g * 255), static_cast<int>(b * 255), alpha);
}

}  // namespace bs::gui
