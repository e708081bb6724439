// Projector-proofing: what a frame hid or drew on top of something else. Under
// --check-layout the views report the boxes they draw by hand (nodes, labels), and after
// the frame the audit also looks at every ImGui window for content cut off without a
// scrollbar. The layout test runs every lesson through it at text scale 1 and 2.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

namespace bs::gui::audit {

/// Whether views record their boxes this frame (off unless --check-layout: it costs).
bool enabled();
void set_enabled(bool on);
/// Forget the previous frame's boxes.
void begin_frame();
/// A node's box on a canvas, in screen pixels.
void node(ImVec2 min, ImVec2 max, const std::string& name);
/// A label drawn by hand on a canvas (screen pixels), and the canvas rectangle it must stay
/// inside. `owner` is the node it belongs to ("" if none): a label may touch its own node.
void label(ImVec2 min, ImVec2 max, const std::string& text, ImVec2 canvas_min, ImVec2 canvas_max,
           const std::string& owner = "");
/// What is wrong with the frame just rendered: a window whose content is cut off without a
/// scrollbar to reach it, a label over another node, a label outside its canvas. Empty if
/// nothing; also a node box on top of another. Call after ImGui::Render().
std::vector<std::string> problems();

}  // namespace bs::gui::audit
