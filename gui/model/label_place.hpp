// Where a caption goes on the topology canvas: the first of a node's candidate spots
// (beside it, below, above) that covers no other node and stays inside the canvas. Pure
// geometry in pixels, so the rule is tested without a window.
#pragma once
#include <vector>

namespace bs::gui {

/// An axis-aligned box in screen pixels (x grows right, y grows down).
struct PxRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool overlaps(const PxRect& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  bool inside(const PxRect& o) const { return x0 >= o.x0 && y0 >= o.y0 && x1 <= o.x1 && y1 <= o.y1; }
};

/// Where a caption of size (w, h) goes: the first candidate (its top-left taken) that keeps
/// it inside `canvas` and off every box in `avoid` (nodes) and in `soft` (earlier
/// captions); failing that, the one covering the least node area, then the least caption
/// area. A candidate past the canvas edge is slid inside it first (a caption cut off is
/// worse than one touching a node). `candidates` must not be empty.
PxRect place_caption(float w, float h, const std::vector<PxRect>& candidates, const std::vector<PxRect>& avoid,
                     const PxRect& canvas, const std::vector<PxRect>& soft = {});

}  // namespace bs::gui
