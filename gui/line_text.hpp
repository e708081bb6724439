// One line of text that never runs past the panel: shortened with "..." to the width left
// on the line, the whole text in a tooltip. For names repeated per run (four runs side by
// side), where wrapping would take the height the views need.
#pragma once
#include <string>

#include <imgui.h>

namespace bs::gui {

/// Draw `text` in colour `col` on one line, cut to the available width with "...";
/// hovering it shows the whole text when it was cut.
inline void line_text(ImU32 col, const std::string& text) {
  const float avail = ImGui::GetContentRegionAvail().x;
  std::string shown = text;
  if (ImGui::CalcTextSize(text.c_str()).x > avail) {
    // Longest prefix (whole UTF-8 characters) that fits with the ellipsis.
    std::size_t lo = 0, hi = text.size();
    while (lo < hi) {
      std::size_t mid = (lo + hi + 1) / 2;
      if (ImGui::CalcTextSize((text.substr(0, mid) + "...").c_str()).x <= avail) lo = mid;
      else hi = mid - 1;
    }
    while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) --lo;
    shown = text.substr(0, lo) + "...";
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(col));
  ImGui::TextUnformatted(shown.c_str());
  ImGui::PopStyleColor();
  if (shown.size() != text.size() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
}

}  // namespace bs::gui
