// Text rows that wrap: at text scale 2 on a projector a status line such as "queue work on
// broker ready 0 unacked 5 acked 4 requeued 0" is wider than its panel, and ImGui would
// draw it past the edge. These put each piece on the current line while it fits, start a
// new line when it does not, and wrap a piece that is wider than the panel by itself.
#pragma once
#include <cstdarg>
#include <cstdio>

#include <imgui.h>

#include "flow.hpp"

namespace bs::gui {

namespace wrap_detail {
inline void piece(bool same_line, const ImVec4* col, const char* fmt, va_list ap) {
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  if (same_line) {
    // Pieces are figures like "ready 0" "unacked 5": a gap of about three spaces keeps
    // them apart, where ImGui's item spacing alone would run them together.
    const float gap = 0.7f * ImGui::GetFontSize();
    if (fits_after_last(ImGui::CalcTextSize(buf).x, gap)) ImGui::SameLine(0.0f, gap);
  }
  if (col) ImGui::PushStyleColor(ImGuiCol_Text, *col);
  ImGui::PushTextWrapPos(0.0f);  // the window's right edge
  ImGui::TextUnformatted(buf);
  ImGui::PopTextWrapPos();
  if (col) ImGui::PopStyleColor();
}
inline ImVec4 dim() { return ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled); }
}  // namespace wrap_detail

/// First piece of a row, in colour `col` (a theme ImU32); wraps inside the window.
inline void wrap_text(ImU32 col, const char* fmt, ...) IM_FMTARGS(2);
inline void wrap_text(ImU32 col, const char* fmt, ...) {
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(col);
  va_list ap;
  va_start(ap, fmt);
  wrap_detail::piece(false, &c, fmt, ap);
  va_end(ap);
}

/// Next piece of the row: after the previous item if it fits, else on a new line.
inline void wrap_more(ImU32 col, const char* fmt, ...) IM_FMTARGS(2);
inline void wrap_more(ImU32 col, const char* fmt, ...) {
  ImVec4 c = ImGui::ColorConvertU32ToFloat4(col);
  va_list ap;
  va_start(ap, fmt);
  wrap_detail::piece(true, &c, fmt, ap);
  va_end(ap);
}

/// Next piece of the row in the style's default text colour.
inline void wrap_more_plain(const char* fmt, ...) IM_FMTARGS(1);
inline void wrap_more_plain(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  wrap_detail::piece(true, nullptr, fmt, ap);
  va_end(ap);
}

/// Next piece of the row, dimmed like ImGui::TextDisabled.
inline void wrap_more_dim(const char* fmt, ...) IM_FMTARGS(1);
inline void wrap_more_dim(const char* fmt, ...) {
  ImVec4 c = wrap_detail::dim();
  va_list ap;
  va_start(ap, fmt);
  wrap_detail::piece(true, &c, fmt, ap);
  va_end(ap);
}

/// A whole line, dimmed like ImGui::TextDisabled, wrapped inside the window.
inline void wrap_dim(const char* fmt, ...) IM_FMTARGS(1);
inline void wrap_dim(const char* fmt, ...) {
  ImVec4 c = wrap_detail::dim();
  va_list ap;
  va_start(ap, fmt);
  wrap_detail::piece(false, &c, fmt, ap);
  va_end(ap);
}

}  // namespace bs::gui
