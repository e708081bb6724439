#include "canvas_text.hpp"

#include "layout_audit.hpp"

namespace bs::gui {

void CanvasText::node(ImVec2 a, ImVec2 b, const std::string& name) {
  boxes.push_back({a.x, a.y, b.x, b.y});
  names.push_back(name);
  audit::node(a, b, name);
}

void CanvasText::text(ImDrawList* dl, ImVec2 p, ImU32 c, const std::string& s, const std::string& owner, float size) const {
  if (size <= 0) size = ImGui::GetFontSize();
  dl->AddText(ImGui::GetFont(), size, p, c, s.c_str());
  if (audit::enabled()) {
    const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(size, 1e9f, 0, s.c_str());
    audit::label(p, ImVec2(p.x + ts.x, p.y + ts.y), s, lo, hi, owner);
  }
}

bool CanvasText::clear(ImVec2 tl, ImVec2 sz, const std::string& owner) const {
  // The audit's pixel of slack: a caption touching a box's edge does not cover it.
  const PxRect r{tl.x + 1.5f, tl.y + 1.5f, tl.x + sz.x - 1.5f, tl.y + sz.y - 1.5f};
  for (std::size_t i = 0; i < boxes.size(); ++i)
    if (names[i] != owner && names[i] != "legend" && r.overlaps(boxes[i])) return false;
  return true;
}

ImVec2 CanvasText::place(ImVec2 sz, const std::vector<ImVec2>& candidates, const std::string& owner) const {
  std::vector<PxRect> avoid;
  for (std::size_t i = 0; i < boxes.size(); ++i)
    if (names[i] != owner) avoid.push_back(boxes[i]);
  std::vector<PxRect> cand;
  for (const ImVec2& c : candidates) cand.push_back({c.x, c.y, c.x + sz.x, c.y + sz.y});
  // None of those free: rings of spots ever further around each of them, before giving
  // up and covering a node (a short canvas at large text leaves little room near anything).
  const float em = ImGui::GetFontSize();
  for (float d : {0.6f, 1.2f, 2.4f, 3.6f, 5.0f, 7.0f})
    for (const ImVec2& c0 : candidates)
      for (const ImVec2 u : {ImVec2(0, 1), ImVec2(0, -1), ImVec2(1, 0), ImVec2(-1, 0), ImVec2(1, 1), ImVec2(-1, 1), ImVec2(1, -1),
                             ImVec2(-1, -1)}) {
        const ImVec2 c(c0.x + u.x * d * em, c0.y + u.y * d * em);
        cand.push_back({c.x, c.y, c.x + sz.x, c.y + sz.y});
      }
  // A pixel in from the canvas frame, as the audit allows.
  const PxRect r = place_caption(sz.x, sz.y, cand, avoid, {lo.x + 1, lo.y + 1, hi.x - 1, hi.y - 1}, taken);
  taken.push_back(r);
  return ImVec2(r.x0, r.y0);
}

}  // namespace bs::gui
