#include "label_place.hpp"

#include <algorithm>

namespace bs::gui {
namespace {
PxRect clamp_into(PxRect r, const PxRect& c) {
  const float w = r.x1 - r.x0, h = r.y1 - r.y0;
  r.x0 = std::max(c.x0, std::min(r.x0, c.x1 - w));
  r.y0 = std::max(c.y0, std::min(r.y0, c.y1 - h));
  r.x1 = r.x0 + w;
  r.y1 = r.y0 + h;
  return r;
}
float covered(const PxRect& r, const std::vector<PxRect>& avoid) {
  float a = 0;
  for (const auto& o : avoid)
    if (r.overlaps(o)) a += (std::min(r.x1, o.x1) - std::max(r.x0, o.x0)) * (std::min(r.y1, o.y1) - std::max(r.y0, o.y0));
  return a;
}
}  // namespace

PxRect place_caption(float w, float h, const std::vector<PxRect>& candidates, const std::vector<PxRect>& avoid,
                     const PxRect& canvas, const std::vector<PxRect>& soft) {
  PxRect best{};
  float best_cover = -1;
  for (const auto& c : candidates) {
    // Each spot as given, then pulled inside the canvas (a caption at the edge slides in).
    for (PxRect r : {PxRect{c.x0, c.y0, c.x0 + w, c.y0 + h}, clamp_into(PxRect{c.x0, c.y0, c.x0 + w, c.y0 + h}, canvas)}) {
      if (!r.inside(canvas)) continue;
      // A pixel of node covered weighs more than any caption overlap.
      const float cov = covered(r, avoid) * 1e6f + covered(r, soft);
      if (cov == 0) return r;
      if (best_cover < 0 || cov < best_cover) {
        best = r;
        best_cover = cov;
      }
    }
  }
  return best_cover >= 0 ? best : clamp_into(PxRect{candidates[0].x0, candidates[0].y0, candidates[0].x0 + w, candidates[0].y0 + h}, canvas);
}

}  // namespace bs::gui
