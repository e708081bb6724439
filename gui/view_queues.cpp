// Broker internals (queue model): each queue's ready messages, each consumer's unacked ones.
#include <algorithm>
#include <cstdio>

#include "msg_box.hpp"
#include "theme.hpp"
#include "views.hpp"
#include "wrap_text.hpp"

namespace bs::gui {
namespace {

// Draw up to what fits on one line starting at the cursor; returns the clicked message.
// `over(i, p)` may draw over box i at p.
template <class Items, class Marks, class Over = void (*)(std::size_t, ImVec2)>
MsgId box_row(ImDrawList* dl, const Items& items, float width, Marks marks_of, Over over = [](std::size_t, ImVec2) {}) {
  float em = ImGui::GetFontSize();
  ImVec2 bs = msg_box_size();
  ImVec2 p = ImGui::GetCursorScreenPos();
  float step = bs.x + 0.35f * em;
  std::size_t fit = static_cast<std::size_t>(std::max(1.0f, (width - 3.0f * em) / step));
  MsgId clicked = 0;
  std::size_t n = std::min(fit, items.size());
  for (std::size_t i = 0; i < n; ++i) {
    BoxMarks mk = marks_of(items[i]);
    ImVec2 at(p.x + static_cast<float>(i) * step, p.y);
    if (draw_msg_box(dl, at, items[i].msg, mk)) clicked = items[i].msg;
    over(i, at);
  }
  if (items.size() > n) {
    char more[32];
    std::snprintf(more, sizeof more, "+%zu", items.size() - n);
    dl->AddText(ImVec2(p.x + static_cast<float>(n) * step, p.y + 0.2f * em), theme::kText, more);
  }
  if (items.empty()) dl->AddText(ImVec2(p.x, p.y + 0.2f * em), theme::kDim, "(empty)");
  ImGui::Dummy(ImVec2(width, bs.y + 1.2f * em));
  return clicked;
}

// Lost messages as crossed-out boxes, then why, one line per reason ("m3, m5: c2 crashed
// holding them" reads better than one line per message).
void lost_row(ImDrawList* dl, AppState& app, const std::vector<LostMsg>& lost, float width) {
  if (lost.empty()) return;
  float em = ImGui::GetFontSize();
  wrap_text(theme::kDown, "lost for good (%zu):", lost.size());
  MsgId c = box_row(dl, lost, width, [&](const LostMsg& l) {
    BoxMarks k;
    k.below = "lost";
    k.selected = l.msg == app.selected;
    k.dimmed = app.selected && !k.selected;
    return k;
  }, [&](std::size_t, ImVec2 p) {
    ImVec2 s = msg_box_size();
    // A thin cross, so the id under it stays readable.
    dl->AddLine(p, ImVec2(p.x + s.x, p.y + s.y), theme::kDown, 0.1f * em);
    dl->AddLine(ImVec2(p.x, p.y + s.y), ImVec2(p.x + s.x, p.y), theme::kDown, 0.1f * em);
  });
  if (c) app.select(c);
  std::vector<std::pair<std::string, std::string>> why;  // reason -> "m3, m5"
  for (const LostMsg& l : lost) {
    auto it = std::find_if(why.begin(), why.end(), [&](const auto& w) { return w.first == l.why; });
    if (it == why.end()) why.emplace_back(l.why, "m" + std::to_string(l.msg));
    else it->second += ", m" + std::to_string(l.msg);
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(theme::kDown));
  for (const auto& [reason, ids] : why) ImGui::TextWrapped("%s: %s", ids.c_str(), reason.c_str());
  ImGui::PopStyleColor();
}

}  // namespace

void draw_queues(AppState& app, Run& run, ImVec2 size) {
  const TraceModel& m = *run.model;
  const SimState& st = run.play->state();
  float em = ImGui::GetFontSize();
  ImGui::BeginChild("##queues", size, true);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float width = ImGui::GetContentRegionAvail().x;
  if (st.queues().empty()) wrap_dim("No queue has seen a message yet.");
  // The checker's lost messages, at the moment each became lost: under its queue, or
  // here when no queue had it (published to a broker that was down, ...).
  auto lost_in = [&](const std::string& queue) {
    std::vector<LostMsg> v;
    for (const LostMsg& l : st.lost())
      if (l.queue == queue) v.push_back(l);
    return v;
  };
  {
    std::vector<LostMsg> orphan;
    for (const LostMsg& l : st.lost())
      if (std::none_of(st.queues().begin(), st.queues().end(), [&](const QueueState& q) { return q.name == l.queue; }))
        orphan.push_back(l);
    if (!orphan.empty()) {
      lost_row(dl, app, orphan, width);
      ImGui::Separator();
    }
  }
  double recent = std::clamp(m.t_end * 0.05, 0.1, 2.0);  // how long a requeue stays called out
  for (const QueueState& q : st.queues()) {
    std::size_t unacked = 0, held = 0;
    for (const auto& [c, v] : q.unacked) unacked += v.size();
    for (const auto& [c, v] : q.held) held += v.size();
    const std::vector<LostMsg> lost = lost_in(q.name);
    // Each figure is a piece of its own, so at large text the line breaks between figures.
    wrap_text(theme::kText, "queue %s", q.name.c_str());
    if (q.broker != kNoNode && m.topo.node_down(q.broker, app.t))
      wrap_more(theme::kDown, "(broker crashed: what is left is what it kept)");
    // A queue no event has touched yet (an unused dead-letter queue) has no known broker.
    if (q.broker != kNoNode)
      wrap_more_dim("%s %s", q.quorum || !q.mirrors.empty() || q.promotions ? "led by" : "on", m.node_name(q.broker).c_str());
    wrap_more_dim("ready %zu", q.ready.size());
    wrap_more_dim("unacked %zu", unacked);
    wrap_more_dim("acked %llu", static_cast<unsigned long long>(q.acked));
    wrap_more_dim("requeued %llu", static_cast<unsigned long long>(q.requeued));
    if (held) wrap_more(theme::kRedelivered, "held (auto-ack) %zu", held);
    if (!q.deferred.empty()) wrap_more(theme::kRedelivered, "deferred %zu", q.deferred.size());
    if (q.missed) wrap_more(theme::kRedelivered, "missed %llu (non-durable subscriber away)", static_cast<unsigned long long>(q.missed));
    if (!lost.empty()) wrap_more(theme::kDown, "lost %zu", lost.size());
    // How a clustered queue is replicated, as of now.
    if (q.quorum) {
      wrap_text(theme::kLeader, "quorum queue: Raft leader %s, term %lld, commit index %lld", m.node_name(q.broker).c_str(),
                static_cast<long long>(q.term), static_cast<long long>(q.commit_index));
    } else if (!q.mirrors.empty() || q.promotions) {
      std::string line = "mirrored:";
      for (const auto& [node, synced] : q.mirrors)
        line += " " + m.node_name(node) + (synced ? " (synchronised)" : " (UNSYNCHRONISED)");
      if (q.mirrors.empty()) line += " no mirror left";
      if (q.promotions) line += "   promotions " + std::to_string(q.promotions);
      wrap_text(theme::kLeader, "%s", line.c_str());
    }
    // Name the messages just put back: that is the moment the lesson is about.
    std::string back;
    for (const auto& r : q.ready)
      if (r.redelivered && app.t - r.t_since < recent) back += (back.empty() ? "" : ", ") + ("m" + std::to_string(r.msg));
    wrap_text(theme::kText, "ready (head of the queue first):");
    if (!back.empty()) wrap_more(theme::kRedelivered, "%s requeued at original position", back.c_str());
    if (q.ready.empty()) wrap_more_dim("(empty)");  // one line, so several queues fit
    MsgId c = q.ready.empty() ? 0 : box_row(dl, q.ready, width, [&](const ReadyMsg& r) {
      BoxMarks k;
      k.redelivered = r.redelivered;
      auto rk = m.routing_key.find(r.msg);
      k.key = rk == m.routing_key.end() ? nullptr : rk->second.c_str();
      k.selected = r.msg == app.selected;
      k.dimmed = app.selected && !k.selected;
      return k;
    });
    if (c) app.select(c);
    if (!q.deferred.empty()) {
      wrap_text(theme::kText, "deferred (set aside: only a receive by sequence number gets them):");
      MsgId d = box_row(dl, q.deferred, width, [&](const ReadyMsg& r) {
        BoxMarks k;
        k.selected = r.msg == app.selected;
        k.dimmed = app.selected && !k.selected;
        return k;
      });
      if (d) app.select(d);
    }
    for (const auto& [consumer, v] : q.unacked) {
      if (v.empty() && !q.prefetch.count(consumer)) continue;
      auto pf = q.prefetch.find(consumer);
      bool down = m.topo.node_down(consumer, app.t);
      if (v.empty() && q.closed.count(consumer)) {
        wrap_dim(q.subscription_closes ? "%s: connection declared dead, its non-durable subscription closed (what it held is missed)"
                                       : "%s: connection declared dead, its deliveries went back to the queue",
                 m.node_name(consumer).c_str());
        continue;
      }
      if (v.empty()) {
        wrap_dim("%s: nothing unacked (prefetch %lld)%s", m.node_name(consumer).c_str(),
                 static_cast<long long>(pf == q.prefetch.end() ? 0 : pf->second), down ? " - crashed" : "");
        continue;
      }
      if (pf != q.prefetch.end() && pf->second > 0)
        wrap_text(theme::kText, "%s unacked (prefetch %lld)%s:", m.node_name(consumer).c_str(), static_cast<long long>(pf->second),
                  // Still held after the broker declared the connection dead: only a
                  // prepared two-phase commit ack keeps a delivery so (it is in doubt).
                  q.closed.count(consumer) ? " - connection dead, held prepared (in doubt)"
                  : down                   ? " - consumer crashed, broker has not noticed yet"
                                           : "");
      else
        wrap_text(theme::kText, "%s unacked%s:", m.node_name(consumer).c_str(), down ? " - consumer crashed" : "");
      ImGui::Indent(1.5f * em);
      std::vector<std::string> tags;  // keep caption strings alive while drawing
      tags.reserve(v.size());
      for (const auto& u : v) tags.push_back("tag " + std::to_string(u.tag));
      std::size_t i = 0;
      MsgId cu = box_row(dl, v, width - 1.5f * em, [&](const UnackedMsg& u) {
        BoxMarks k;
        k.redelivered = u.redelivered;
        k.selected = u.msg == app.selected;
        k.dimmed = app.selected && !k.selected;
        k.below = tags[i++].c_str();
        return k;
      });
      ImGui::Unindent(1.5f * em);
      if (cu) app.select(cu);
    }
    // Auto-ack: delivered and already settled by the broker, but not processed yet. Only
    // the consumer has them; nothing brings them back if it dies.
    for (const auto& [consumer, v] : q.held) {
      bool down = m.topo.node_down(consumer, app.t);
      if (v.empty()) {
        wrap_dim("%s: holds nothing (auto-ack)%s", m.node_name(consumer).c_str(), down ? " - crashed" : "");
        continue;
      }
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(down ? theme::kDown : theme::kRedelivered));
      ImGui::TextWrapped("%s holds %zu (auto-ack: not processed yet, no ack protects them)%s:", m.node_name(consumer).c_str(),
                         v.size(), down ? " - consumer CRASHED" : "");
      ImGui::PopStyleColor();
      ImGui::Indent(1.5f * em);
      MsgId ch = box_row(dl, v, width - 1.5f * em, [&](const UnackedMsg& u) {
        BoxMarks k;
        k.redelivered = u.redelivered;
        k.selected = u.msg == app.selected;
        k.dimmed = app.selected && !k.selected;
        k.below = "held";
        return k;
      });
      ImGui::Unindent(1.5f * em);
      if (ch) app.select(ch);
    }
    lost_row(dl, app, lost, width);
    // Consumers registered but holding nothing are still worth listing: prefetch is free.
    for (const auto& [consumer, pf] : q.prefetch)
      if (!q.unacked.count(consumer) && !q.held.count(consumer))
        wrap_dim("%s: nothing unacked (prefetch %lld)", m.node_name(consumer).c_str(), static_cast<long long>(pf));
    ImGui::Separator();
  }
  ImGui::EndChild();
}

}  // namespace bs::gui
