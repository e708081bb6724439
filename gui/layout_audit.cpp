#define IMGUI_DEFINE_MATH_OPERATORS  // before imgui.h: layout_audit.cpp uses ImVec2 arithmetic
#include "layout_audit.hpp"

#include <cstdio>

#define IMGUI_DEFINE_MATH_OPERATORS
#include <imgui_internal.h>

namespace bs::gui::audit {
namespace {

struct Box {
  ImRect r;
  std::string name;
};
struct Label {
  ImRect r, canvas;
  std::string text, owner;
};

bool g_on = false;
std::vector<Box> g_nodes;
std::vector<Label> g_labels;

// A pixel of slack: text metrics and rounding put boxes a fraction over their bounds.
constexpr float kSlack = 1.5f;

bool overlaps(const ImRect& a, const ImRect& b) {
  return a.Min.x + kSlack < b.Max.x && b.Min.x + kSlack < a.Max.x && a.Min.y + kSlack < b.Max.y &&
         b.Min.y + kSlack < a.Max.y;
}

std::string rect_text(const ImRect& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "(%.0f,%.0f)-(%.0f,%.0f)", r.Min.x, r.Min.y, r.Max.x, r.Max.y);
  return buf;
}

// Window names are "parent/child_id" paths; the last part is the id a view gave it.
std::string short_name(const char* name) {
  std::string s(name);
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

}  // namespace

bool enabled() { return g_on; }
void set_enabled(bool on) { g_on = on; }

void begin_frame() {
  g_nodes.clear();
  g_labels.clear();
}

void node(ImVec2 min, ImVec2 max, const std::string& name) {
  if (g_on) g_nodes.push_back({ImRect(min, max), name});
}

void label(ImVec2 min, ImVec2 max, const std::string& text, ImVec2 canvas_min, ImVec2 canvas_max,
           const std::string& owner) {
  if (g_on) g_labels.push_back({ImRect(min, max), ImRect(canvas_min, canvas_max), text, owner});
}

std::vector<std::string> problems() {
  std::vector<std::string> out;
  ImGuiContext& g = *ImGui::GetCurrentContext();
  for (ImGuiWindow* w : g.Windows) {
    if (!w->WasActive || w->Hidden || (w->Flags & ImGuiWindowFlags_Tooltip) || (w->Flags & ImGuiWindowFlags_Popup)) continue;
    // Items start at InnerRect + WindowPadding and are seen down to InnerClipRect; what
    // reaches past it is cut off unless a scrollbar can bring it in.
    float bottom = w->InnerRect.Min.y + w->WindowPadding.y + w->ContentSize.y;
    float right = w->InnerRect.Min.x + w->WindowPadding.x + w->ContentSize.x;
    char buf[256];
    if (!w->ScrollbarY && bottom > w->InnerClipRect.Max.y + kSlack) {
      std::snprintf(buf, sizeof buf, "window %s: %.0f px of content below its bottom, no scrollbar",
                    short_name(w->Name).c_str(), bottom - w->InnerClipRect.Max.y);
      out.push_back(buf);
    }
    if (!w->ScrollbarX && right > w->InnerClipRect.Max.x + kSlack) {
      std::snprintf(buf, sizeof buf, "window %s: %.0f px of content cut off at the right",
                    short_name(w->Name).c_str(), right - w->InnerClipRect.Max.x);
      out.push_back(buf);
    }
  }
  // Nodes on top of nodes: one hides the other's name (consumers of a short canvas).
  for (std::size_t i = 0; i < g_nodes.size(); ++i)
    for (std::size_t j = i + 1; j < g_nodes.size(); ++j)
      if (overlaps(g_nodes[i].r, g_nodes[j].r))
        out.push_back("node " + g_nodes[i].name + " " + rect_text(g_nodes[i].r) + " overlaps node " + g_nodes[j].name + " " +
                      rect_text(g_nodes[j].r));
  for (const auto& l : g_labels) {
    if (!l.canvas.Contains(ImRect(l.r.Min + ImVec2(kSlack, kSlack), l.r.Max - ImVec2(kSlack, kSlack))))
      out.push_back("label \"" + l.text + "\" " + rect_text(l.r) + " leaves its canvas " + rect_text(l.canvas));
    for (const auto& n : g_nodes)
      if (n.name != l.owner && overlaps(l.r, n.r))
        out.push_back("label \"" + l.text + "\" " + rect_text(l.r) + " lies over node " + n.name + " " + rect_text(n.r));
  }
  return out;
}

}  // namespace bs::gui::audit
