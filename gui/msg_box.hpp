// A message drawn as a labelled box: shared by the queue and consumer views.
#pragma once
#include <imgui.h>

#include "core/ids.hpp"

namespace bs::gui {

/// How a box is marked beyond its message colour.
struct BoxMarks {
  bool redelivered = false;  ///< yellow frame and an "R"
  bool reordered = false;    ///< red frame and "late" below
  bool duplicate = false;    ///< magenta frame and "dup" below
  bool selected = false;     ///< white frame: the message being followed
  bool dimmed = false;       ///< another message is selected
  const char* below = nullptr;  ///< extra caption under the box (e.g. delivery tag)
  const char* key = nullptr;    ///< routing key, shown on hover
};

/// Width and height of one box at the current font size.
ImVec2 msg_box_size();
/// Draw a box at p; returns true if it was clicked (to select its message).
bool draw_msg_box(ImDrawList* dl, ImVec2 p, MsgId msg, const BoxMarks& marks);

}  // namespace bs::gui
