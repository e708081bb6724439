#include "msg_box.hpp"

#include <algorithm>
#include <cfloat>

#include "model/colors.hpp"
#include "theme.hpp"
#include "views.hpp"

namespace bs::gui {

ImVec2 msg_box_size() {
  float em = ImGui::GetFontSize();
  return ImVec2(2.6f * em, 1.6f * em);
}

bool draw_msg_box(ImDrawList* dl, ImVec2 p, MsgId msg, const BoxMarks& k) {
  float em = ImGui::GetFontSize();
  ImVec2 s = msg_box_size();
  ImVec2 q(p.x + s.x, p.y + s.y);
  ImU32 fill = msg_color(msg, k.dimmed ? 90 : 255);
  // Square corners: a rounded box costs a software rasterizer ten times the triangles.
  dl->AddRectFilled(p, q, fill);
  ImU32 frame = k.selected ? theme::kSelected : k.reordered ? theme::kReordered : k.duplicate ? theme::kDuplicate
              : k.redelivered ? theme::kRedelivered : IM_COL32(0, 0, 0, 255);
  // Only marked boxes get a frame; the gaps between boxes already separate them.
  if (k.selected || k.reordered || k.duplicate || k.redelivered) dl->AddRect(p, q, frame, 0.0f, 0, 0.2f * em);
  char buf[24];
  msg_label(msg, buf);
  ImVec2 ts = ImGui::CalcTextSize(buf);
  // Black text on the bright message colour reads best from the back of a room.
  // Long ids (m1000123) are drawn smaller to fit, but never below ImGui's default 13 px.
  // (Clipping instead would start a draw call per box, which llvmpipe feels.)
  float size = ImGui::GetFontSize();
  if (ts.x > s.x - 4) {
    size = std::max(13.0f, size * (s.x - 4) / ts.x);
    ts = ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0.0f, buf);
  }
  dl->AddText(ImGui::GetFont(), size, ImVec2(p.x + (s.x - ts.x) / 2, p.y + (s.y - ts.y) / 2), IM_COL32(0, 0, 0, 255), buf);
  if (k.redelivered) {
    ImVec2 c(q.x - 0.1f * em, p.y + 0.1f * em);
    dl->AddCircleFilled(c, 0.45f * em, theme::kRedelivered);
    ImVec2 rs = ImGui::CalcTextSize("R");
    dl->AddText(ImVec2(c.x - rs.x / 2, c.y - rs.y / 2), IM_COL32(0, 0, 0, 255), "R");
  }
  const char* cap = k.reordered ? "late" : k.duplicate ? "dup" : k.below;
  if (cap) {
    ImVec2 cs = ImGui::CalcTextSize(cap);
    ImU32 cc = k.reordered ? theme::kReordered : k.duplicate ? theme::kDuplicate : theme::kDim;
    // Centred under the box, but never reaching left of it (the row starts at the edge).
    dl->AddText(ImVec2(p.x + std::max(0.0f, (s.x - cs.x) / 2), q.y + 0.05f * em), cc, cap);
  }
  ImVec2 mouse = ImGui::GetIO().MousePos;
  bool inside = mouse.x >= p.x && mouse.x < q.x && mouse.y >= p.y && mouse.y < q.y;
  if (inside && ImGui::IsWindowHovered()) {
    ImGui::SetTooltip("%s%s%s%s%s%s - click to follow it", buf, k.key ? ", routing key " : "", k.key ? k.key : "",
                      k.redelivered ? ", redelivered" : "", k.reordered ? ", processed out of order" : "",
                      k.duplicate ? ", duplicate" : "");
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) return true;
  }
  return false;
}

}  // namespace bs::gui
