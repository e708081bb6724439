// Rows of controls that wrap: at text scale 2 on a projector a row of buttons and
// checkboxes is wider than its panel, and ImGui would otherwise draw past the edge.
#pragma once
#include <imgui.h>

namespace bs::gui {

/// Whether an item `w` pixels wide still fits after the last item, `gap` pixels from it,
/// inside the window's content region.
inline bool fits_after_last(float w, float gap) {
  float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  return ImGui::GetItemRectMax().x + gap + w <= right;
}

/// Put the next item, `w` pixels wide, on the current line if it still fits inside the
/// window's content region, else start a new line. Call between two items.
inline void flow(float w) {
  if (fits_after_last(w, ImGui::GetStyle().ItemSpacing.x)) ImGui::SameLine();
}

/// Whether a region `width` pixels wide holds fewer than about 70 characters of the
/// current font (a projector at text scale 2): the window then switches to its narrow
/// layout (canvas across the width, consumers as a tab, view options in a popup).
inline bool is_narrow(float width) { return width / ImGui::GetFontSize() < 70.0f; }

/// Width of a button with this label.
inline float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

/// Width of a checkbox with this label.
inline float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

}  // namespace bs::gui
