#include "theme.hpp"

#include <filesystem>

namespace bs::gui::theme {
namespace {
float g_base_scale = 1.0f;
}

ImU32 role_color(Role r) {
  switch (r) {
    case Role::Producer: return IM_COL32(40, 110, 200, 255);
    case Role::Broker: return IM_COL32(200, 120, 20, 255);
    case Role::Consumer: return IM_COL32(30, 150, 80, 255);
    case Role::Other: return IM_COL32(110, 110, 120, 255);
    case Role::Controller: return IM_COL32(120, 80, 180, 255);
    case Role::Store: return IM_COL32(70, 130, 140, 255);
  }
  return IM_COL32(110, 110, 120, 255);
}

ImU32 marker_color(MarkerKind k) {
  switch (k) {
    case MarkerKind::Crash: return IM_COL32(255, 60, 60, 255);
    case MarkerKind::Restart: return IM_COL32(80, 220, 120, 255);
    case MarkerKind::LinkDown: return IM_COL32(255, 140, 0, 255);
    case MarkerKind::LinkUp: return IM_COL32(120, 200, 255, 255);
    case MarkerKind::Redelivery: return kRedelivered;
    case MarkerKind::Reorder: return IM_COL32(255, 90, 160, 255);
    case MarkerKind::Loss: return IM_COL32(255, 255, 255, 255);
    case MarkerKind::Duplicate: return kDuplicate;
    case MarkerKind::Failover: return IM_COL32(80, 210, 230, 255);
    case MarkerKind::Election: return IM_COL32(255, 200, 60, 255);
    case MarkerKind::UncleanElection: return IM_COL32(255, 60, 60, 255);
    case MarkerKind::IsrShrink: return IM_COL32(255, 150, 60, 255);
    case MarkerKind::IsrExpand: return IM_COL32(120, 220, 120, 255);
    case MarkerKind::Truncate: return IM_COL32(255, 110, 200, 255);
    case MarkerKind::Fenced: return IM_COL32(180, 180, 190, 255);
    case MarkerKind::MemoryAlarm: return IM_COL32(255, 170, 40, 255);
    case MarkerKind::Paused: return IM_COL32(255, 120, 120, 255);
    case MarkerKind::Rebalance: return IM_COL32(90, 200, 255, 255);
    case MarkerKind::Seek: return IM_COL32(190, 150, 255, 255);
    case MarkerKind::DeadLetter: return IM_COL32(200, 200, 80, 255);
    case MarkerKind::Expired: return IM_COL32(170, 170, 170, 255);
    case MarkerKind::Returned: return IM_COL32(255, 160, 110, 255);
    case MarkerKind::Blocked: return IM_COL32(255, 90, 40, 255);
    case MarkerKind::TxnCommit: return IM_COL32(120, 220, 120, 255);
    case MarkerKind::TxnAbort: return IM_COL32(255, 80, 80, 255);
    case MarkerKind::LockWait: return IM_COL32(255, 170, 40, 255);
    case MarkerKind::LeaseExpired: return IM_COL32(255, 200, 90, 255);
    case MarkerKind::Deduplicated: return IM_COL32(140, 220, 200, 255);
    case MarkerKind::Deferred: return IM_COL32(200, 180, 120, 255);
    case MarkerKind::LinkLatency: return IM_COL32(255, 200, 60, 255);  // the link-down orange, paler: slowed, not cut
    case MarkerKind::Snapshot: return IM_COL32(190, 150, 255, 255);  // the seek's colour: one goes back to the other
    case MarkerKind::Throttled: return IM_COL32(255, 120, 60, 255);
    case MarkerKind::Reshard: return IM_COL32(120, 200, 255, 255);
  }
  return kText;
}

float setup(bool) {
  ImGuiIO& io = ImGui::GetIO();
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  // 17 px DejaVu at scale 1 is larger than ImGui's built-in 13 px font.
  constexpr float kPx = 17.0f;
  if (std::filesystem::exists(font) && io.Fonts->AddFontFromFileTTF(font, kPx * 2.0f)) {
    g_base_scale = 0.5f;
  } else {
    ImFontConfig cfg;
    cfg.SizePixels = 13.0f * 2.0f;
    io.Fonts->AddFontDefault(&cfg);
    g_base_scale = 0.5f;
  }
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.FrameRounding = 3;
  // glClear already paints kBackground behind everything.
  s.Colors[ImGuiCol_WindowBg] = ImVec4(0, 0, 0, 0);
  // Children are transparent: the window behind already painted the background, and a
  // software rasterizer (llvmpipe) pays for every full-screen layer.
  s.Colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  s.Colors[ImGuiCol_Text] = ImColor(kText);
  s.Colors[ImGuiCol_TextDisabled] = ImColor(kDim);
  s.Colors[ImGuiCol_Border] = ImVec4(0.45f, 0.48f, 0.55f, 1.0f);
  s.Colors[ImGuiCol_Tab] = ImVec4(0.18f, 0.22f, 0.32f, 1.0f);
  s.Colors[ImGuiCol_TabActive] = ImVec4(0.25f, 0.42f, 0.75f, 1.0f);
  s.Colors[ImGuiCol_TabHovered] = ImVec4(0.32f, 0.52f, 0.88f, 1.0f);
  io.FontGlobalScale = g_base_scale;
  return g_base_scale;
}

void set_font_scale(float user_scale) { ImGui::GetIO().FontGlobalScale = g_base_scale * user_scale; }

void draw_op_shape(ImDrawList* dl, ImVec2 p, float r, Op op, ImU32 fill, ImU32 outline) {
  const int seg = r < 6.0f ? 6 : 16;  // a 5 px hexagon reads as a dot, at a third of the triangles
  switch (op) {
    case Op::Publish:  // circle
      dl->AddCircleFilled(p, r, fill, seg);
      dl->AddCircle(p, r, outline, seg, 1.5f);
      break;
    case Op::Deliver:  // square
      dl->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), fill);
      dl->AddRect(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), outline, 0, 0, 1.5f);
      break;
    case Op::Ack: {  // triangle
      ImVec2 a(p.x, p.y - r * 1.2f), b(p.x - r * 1.1f, p.y + r * 0.8f), c(p.x + r * 1.1f, p.y + r * 0.8f);
      dl->AddTriangleFilled(a, b, c, fill);
      dl->AddTriangle(a, b, c, outline, 1.5f);
      break;
    }
    case Op::Nack: {  // a cross: the broker or consumer said no
      float w = r * 0.45f;
      dl->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), outline, w + 2.0f);
      dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), outline, w + 2.0f);
      dl->AddLine(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), fill, w);
      dl->AddLine(ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y - r), fill, w);
      break;
    }
    case Op::Confirm: {  // diamond
      ImVec2 q[4] = {ImVec2(p.x, p.y - r * 1.3f), ImVec2(p.x + r * 1.3f, p.y), ImVec2(p.x, p.y + r * 1.3f), ImVec2(p.x - r * 1.3f, p.y)};
      dl->AddConvexPolyFilled(q, 4, fill);
      dl->AddPolyline(q, 4, outline, ImDrawFlags_Closed, 1.5f);
      break;
    }
    case Op::Heartbeat:  // small hollow ring: no message inside
      dl->AddCircle(p, r * 0.7f, fill, seg, 2.0f);
      break;
    case Op::Other:
      dl->AddCircleFilled(p, r * 0.6f, fill, seg);
      break;
  }
}

}  // namespace bs::gui::theme
