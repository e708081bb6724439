// Text drawn by hand on the topology canvas, placed where there is room and reported to
// the layout audit (--check-layout): the node boxes of this frame, and each caption with
// the node it belongs to.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

#include "model/label_place.hpp"

namespace bs::gui {

/// The canvas's node boxes this frame and the rectangle text must stay in (pixels).
struct CanvasText {
  ImVec2 lo, hi;                   ///< the canvas: captions are kept inside it
  std::vector<PxRect> boxes;       ///< every node box, for captions to avoid
  std::vector<std::string> names;  ///< the audit's name of each box
  mutable std::vector<PxRect> taken;  ///< captions placed so far: later ones keep off them

  /// A node box (producer, broker, exchange, queue, ...): avoided by captions, audited.
  void node(ImVec2 a, ImVec2 b, const std::string& name);
  /// Text at `p` in the current font (or `size` px): drawn and audited, owned by `owner`.
  void text(ImDrawList* dl, ImVec2 p, ImU32 c, const std::string& s, const std::string& owner, float size = 0) const;
  /// The top-left of the first candidate spot for a caption of `sz` that covers no node
  /// but `owner` nor an earlier caption and stays on the canvas (see place_caption).
  ImVec2 place(ImVec2 sz, const std::vector<ImVec2>& candidates, const std::string& owner) const;
  /// Whether a caption at `tl` of `sz` covers no node but `owner`.
  bool clear(ImVec2 tl, ImVec2 sz, const std::string& owner) const;
};

}  // namespace bs::gui
