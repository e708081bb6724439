// Broker internals (log model): each partition as a tape of offsets, with the log start
// moving on retention, each consumer's fetch position and committed offset under it.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "model/colors.hpp"
#include "model/replica_tapes.hpp"
#include "model/tape_window.hpp"
#include "theme.hpp"
#include "views.hpp"
#include "wrap_text.hpp"

namespace bs::gui {

namespace {
// Every offset_reset of a run, indexed once per loaded trace (a what-if run has its own;
// a replaced run's entry is dropped when its model is gone).
const OffsetResets& offset_resets(const std::shared_ptr<const TraceModel>& m) {
  static std::map<const TraceModel*, std::pair<std::weak_ptr<const TraceModel>, OffsetResets>> cache;
  std::erase_if(cache, [](const auto& kv) { return kv.second.first.expired(); });
  auto it = cache.find(m.get());
  if (it == cache.end()) it = cache.emplace(m.get(), std::make_pair(std::weak_ptr<const TraceModel>(m), OffsetResets(m->trace))).first;
  return it->second.second;
}

constexpr ImU32 kHw = IM_COL32(120, 220, 255, 255);  // the high watermark line
constexpr ImU32 kOpenTxn = IM_COL32(255, 200, 60, 255);       // an open transaction's records and the LSO
constexpr ImU32 kCommitMarker = IM_COL32(120, 220, 120, 255);  // a commit marker

// Click and hover on one record box.
void record_box_input(AppState& app, ImVec2 a, ImVec2 b, std::int64_t offset, MsgId msg, const char* extra) {
  ImVec2 mouse = ImGui::GetIO().MousePos;
  if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y && ImGui::IsWindowHovered()) {
    ImGui::SetTooltip("offset %lld: m%llu%s", static_cast<long long>(offset), static_cast<unsigned long long>(msg), extra);
    if (msg && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) app.select(msg);
  }
}

// A replicated partition: one compact tape per replica, all on one offset axis, with the
// high watermark across them.
void draw_replica_tapes(AppState& app, const TraceModel& m, const ReplicaTapes& t, const PartitionState* p,
                        const Checker& ledger, float width) {
  float em = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Pieces of one row that breaks between them at large text.
  wrap_text(theme::kText, "partition %s", t.partition.c_str());
  if (t.leader == kNoNode)
    wrap_more(theme::kDown, "OFFLINE: no leader");
  else if (t.unclean)
    wrap_more(theme::kDown, "leader %s, epoch %lld (UNCLEAN election)", m.node_name(t.leader).c_str(),
              static_cast<long long>(t.leader_epoch));
  else
    wrap_more_plain("leader %s, epoch %lld", m.node_name(t.leader).c_str(), static_cast<long long>(t.leader_epoch));
  const bool below = static_cast<int>(t.isr_size) < t.min_insync;
  if (below)
    wrap_more(theme::kRedelivered, "ISR %zu/%zu < min %d", t.isr_size, t.rows.size(), t.min_insync);
  else
    wrap_more_dim("ISR %zu/%zu (min %d)", t.isr_size, t.rows.size(), t.min_insync);
  wrap_more(kHw, "HW %lld", static_cast<long long>(t.high_watermark));

  // Label column: "b1  leader" / "b2  in ISR" / "b3  out of sync" / "b1  crashed".
  const float cell = 2.2f * em, ch = 1.3f * em, gap = 0.15f * em;
  float name_w = 0;
  for (const auto& r : t.rows) name_w = std::max(name_w, ImGui::CalcTextSize(m.node_name(r.node).c_str()).x);
  const float label_w = name_w + ImGui::CalcTextSize("  out of sync ").x;
  const float leo_w = ImGui::CalcTextSize(" LEO 0000").x;
  const std::size_t fit = static_cast<std::size_t>(std::max(1.0f, (width - label_w - leo_w) / cell));
  const std::int64_t end = std::max(t.max_log_end(), t.high_watermark);
  const std::int64_t first = std::max<std::int64_t>(0, end - static_cast<std::int64_t>(fit));
  ImVec2 o = ImGui::GetCursorScreenPos();
  const float x0 = o.x + label_w;
  auto x_of = [&](std::int64_t off) { return x0 + static_cast<float>(off - first) * cell; };
  float y = o.y;
  for (const ReplicaRow& r : t.rows) {
    const bool dim = r.down || !r.in_isr;
    const char* status = r.down ? "crashed" : r.leader ? "leader" : r.in_isr ? "in ISR" : "out of sync";
    ImU32 sc = r.down ? theme::kDown : r.leader ? theme::role_color(Role::Broker) : r.in_isr ? theme::kText : theme::kRedelivered;
    if (r.leader) dl->AddRectFilled(ImVec2(o.x, y), ImVec2(x0 - 0.2f * em, y + ch), IM_COL32(200, 120, 20, 70), 0.2f * em);
    dl->AddText(ImVec2(o.x + 0.2f * em, y + 0.1f * em), dim ? theme::kDim : theme::kText, m.node_name(r.node).c_str());
    dl->AddText(ImVec2(o.x + name_w + 0.7f * em, y + 0.1f * em), sc, status);
    if (first > 0) dl->AddText(ImVec2(x0 - 0.9f * em, y + 0.1f * em), theme::kDim, "..");
    for (const TapeCell& c : r.cells) {
      if (c.offset < first) continue;
      ImVec2 a(x_of(c.offset), y), b(a.x + cell - 2, y + ch - gap);
      // A transaction marker (no message): the dark C / A tile of the single-replica tape.
      if (!c.msg && p) {
        auto rec = std::lower_bound(p->records.begin(), p->records.end(), c.offset,
                                    [](const Record& x, std::int64_t off) { return x.offset < off; });
        if (rec != p->records.end() && rec->offset == c.offset && rec->control) {
          const ImU32 mc = rec->control == 1 ? kCommitMarker : theme::kDown;
          dl->AddRectFilled(a, b, IM_COL32(40, 40, 48, dim ? 120 : 255), 0.15f * em);
          dl->AddRect(a, b, mc, 0.15f * em, 0, 2.0f);
          dl->AddText(ImVec2(a.x + 0.15f * em, a.y + 0.05f * em), mc, rec->control == 1 ? "C" : "A");
          continue;
        }
      }
      const Checker::TxnRecord txn = c.msg ? ledger.txn_record(c.msg) : Checker::TxnRecord::None;
      const bool sel = app.selected && c.msg == app.selected;
      const int alpha = (app.selected && !sel) || dim ? 80 : 255;
      dl->AddRectFilled(a, b, msg_color(c.msg, alpha), 0.15f * em);
      char buf[24];
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(c.offset));
      dl->AddText(ImVec2(a.x + 0.15f * em, a.y + 0.05f * em), IM_COL32(0, 0, 0, dim ? 160 : 255), buf);
      if (c.lost) {  // acknowledged (or accepted) and now in no offset of the partition's log
        dl->AddRect(a, b, theme::kDown, 0.15f * em, 0, 3.0f);
        dl->AddLine(a, b, theme::kDown, 2.0f);
        dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, a.y), theme::kDown, 2.0f);
      } else if (txn == Checker::TxnRecord::Aborted) {  // as on the single tape: void for read_committed
        dl->AddRect(a, b, IM_COL32(0, 0, 0, 255), 0.15f * em, 0, 1.0f);
        dl->AddLine(a, b, theme::kDown, 2.0f);
        dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, a.y), theme::kDown, 2.0f);
      } else {
        dl->AddRect(a, b, sel ? theme::kSelected : txn == Checker::TxnRecord::Open ? kOpenTxn : IM_COL32(0, 0, 0, 255),
                    0.15f * em, 0, sel || txn == Checker::TxnRecord::Open ? 2.5f : 1.0f);
      }
      record_box_input(app, a, b, c.offset, c.msg,
                       c.lost                                 ? " (LOST)"
                       : txn == Checker::TxnRecord::Open      ? " (transaction open)"
                       : txn == Checker::TxnRecord::Aborted   ? " (transaction aborted)"
                                                              : "");
    }
    char leo[32];
    std::snprintf(leo, sizeof leo, "LEO %lld", static_cast<long long>(r.log_end));
    dl->AddText(ImVec2(x_of(std::max(r.log_end, first)) + 0.3f * em, y + 0.1f * em), theme::kDim, leo);
    y += ch;
  }
  // The high watermark: records below it are committed (readable by consumers).
  if (t.high_watermark >= first) {
    const float x = x_of(t.high_watermark) - 1;
    dl->AddLine(ImVec2(x, o.y - 0.1f * em), ImVec2(x, y + 0.2f * em), kHw, 3.0f);
    dl->AddText(ImVec2(x + 0.2f * em, y), kHw, "HW");
  }
  // Consumers' cursors under the tapes: triangle = next fetch, bar = committed.
  if (p)
    for (const auto& [c, cur] : p->cursors) {
      if (cur.position >= first) {
        float x = x_of(cur.position);
        dl->AddTriangleFilled(ImVec2(x, y + 0.1f * em), ImVec2(x - 0.4f * em, y + 0.6f * em), ImVec2(x + 0.4f * em, y + 0.6f * em),
                              theme::role_color(Role::Consumer));
      }
      if (cur.committed >= first) {
        float x = x_of(cur.committed);
        dl->AddLine(ImVec2(x, y), ImVec2(x, y + 0.8f * em), theme::kText, 3.0f);
      }
    }
  ImGui::Dummy(ImVec2(width, y - o.y + 1.0f * em));
  if (p)
    for (const auto& [c, cur] : p->cursors) {
      wrap_dim("%s%s%s:", m.node_name(c).c_str(), cur.group.empty() ? "" : " / ", cur.group.c_str());
      wrap_more_dim("position %lld", static_cast<long long>(cur.position));
      wrap_more_dim("committed %lld", static_cast<long long>(cur.committed));
    }
  ImGui::Separator();
}
}  // namespace

void draw_partitions(AppState& app, Run& run, ImVec2 size) {
  const TraceModel& m = *run.model;
  const SimState& st = run.play->state();
  float em = ImGui::GetFontSize();
  ImGui::BeginChild("##partitions", size, true);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const std::vector<ReplicaTapes> tapes = replica_tapes(st);
  std::set<std::string> replicated;
  for (const auto& t : tapes) replicated.insert(t.partition);
  // The legend, one piece per glyph, so it breaks between them at large text. On one
  // line it heads the panel; when it takes several, the tapes come first and it follows.
  const char* const replica_legend[] = {"one tape per replica", "blue line: high watermark", "red cross: lost record",
                                        "green triangle: next fetch"};
  const char* const log_legend[] = {"green triangle: consumer's next fetch offset", "white bar: committed",
                                    "yellow: segment start", "dashed: open transaction, LSO before it",
                                    "red cross: aborted", "C / A: transaction marker"};
  const bool has_legend = !(st.partitions().empty() && tapes.empty());
  const char* const* legend = tapes.empty() ? log_legend : replica_legend;
  bool txns = false;  // a transaction marker anywhere: the legend explains the tape's transaction glyphs
  for (const PartitionState& p : st.partitions())
    for (const Record& r : p.records) txns |= r.control != 0;
  const int legend_n = tapes.empty() ? (txns ? 6 : 3) : 4;
  auto draw_legend = [&] {
    for (int i = 0; i < legend_n; ++i) i == 0 ? wrap_dim("%s", legend[i]) : wrap_more_dim("%s", legend[i]);
  };
  float legend_w = 0;
  for (int i = 0; i < legend_n; ++i) legend_w += ImGui::CalcTextSize(legend[i]).x + (i ? 0.7f * em : 0.0f);
  const bool legend_first = legend_w <= ImGui::GetContentRegionAvail().x;
  if (!has_legend) wrap_dim("No partition has a record yet.");
  else if (legend_first) draw_legend();
  float width = ImGui::GetContentRegionAvail().x;
  auto state_of = [&](const std::string& name) -> const PartitionState* {
    for (const auto& p : st.partitions())
      if (p.name == name) return &p;
    return nullptr;
  };
  for (const ReplicaTapes& t : tapes)
    if (!t.internal) draw_replica_tapes(app, m, t, state_of(t.partition), st.ledger(), width);
  // Cells wide enough for the record keys (lesson 11's "alice", "bob"), within reason.
  float key_w = 0;
  for (const PartitionState& p : st.partitions())
    for (auto it = p.records.rbegin(); it != p.records.rend() && it - p.records.rbegin() < 64; ++it)
      key_w = std::max(key_w, ImGui::CalcTextSize(it->key.c_str()).x);
  const bool keys = key_w > 0;
  float cell = std::clamp(key_w + 0.5f * em, 2.4f * em, 5.0f * em), ch = (keys ? 2.6f : 1.6f) * em;
  const auto& resets = offset_resets(run.model);
  std::size_t internal = 0;
  for (const PartitionState& p : st.partitions()) {
    if (internal_partition(p.name)) {
      ++internal;
      continue;
    }
    if (replicated.count(p.name)) continue;
    if (p.shard) {  // Kinesis: a shard, on the one service node
      wrap_text(theme::kText, "shard %s", p.name.c_str());
      if (!p.closed_by.empty()) wrap_more(theme::kDown, "closed for writes (%s)", p.closed_by.c_str());
      if (p.throttled > 0) wrap_more(theme::kDown, "THROTTLED %llu", static_cast<unsigned long long>(p.throttled));
      if (p.subscriptions > 0) {  // enhanced fan-out: who is pushed this shard's records
        std::string who;
        for (const auto& n : p.subscribed) who += (who.empty() ? "" : ", ") + n;
        wrap_more(theme::kText, "enhanced fan-out: %s", who.empty() ? "no subscriber now" : who.c_str());
        wrap_more_dim("SubscribeToShard %llu, events pushed %llu", static_cast<unsigned long long>(p.subscriptions),
                      static_cast<unsigned long long>(p.pushed_events));
      }
    } else {
      wrap_text(theme::kText, "partition %s", p.name.c_str());
      wrap_more_dim("leader %s", m.node_name(p.leader).c_str());
    }
    wrap_more_dim("log start %lld", static_cast<long long>(p.log_start));
    wrap_more_dim("log end %lld", static_cast<long long>(p.next_offset));
    // Before the cells: the range retention deleted, then "…" for records the log still
    // holds but the row has no room for. Cursors behind the cells sit at that edge.
    char del[64] = "";
    if (p.log_start > 0)
      std::snprintf(del, sizeof del, "0-%lld deleted", static_cast<long long>(p.log_start - 1));
    const float del_w = p.log_start > 0 ? ImGui::CalcTextSize(del).x + 0.8f * em : 0;
    const float dots_w = 1.6f * em;
    std::size_t fit = static_cast<std::size_t>(std::max(1.0f, (width - del_w - dots_w - cell) / cell));
    const TapeWindow w = tape_window(p, fit, resets, app.t);
    bool any_jump = false;
    for (const auto& c : w.cursors) any_jump |= c.jump != nullptr;
    if (any_jump) ImGui::Dummy(ImVec2(width, 1.3f * em));  // room for the jump arcs above the row
    ImVec2 o = ImGui::GetCursorScreenPos();
    const float cells_x = o.x + del_w + (w.elided ? dots_w : 0.0f);
    auto x_of = [&](std::int64_t off) { return cells_x + static_cast<float>(off - w.first) * cell; };
    if (p.log_start > 0) {
      // Deleted by retention: a red, hatched block standing for every offset below the log start.
      ImVec2 a(o.x, o.y), b(o.x + del_w - 0.3f * em, o.y + ch);
      dl->AddRectFilled(a, b, IM_COL32(90, 25, 25, 255), 0.15f * em);
      for (float x = a.x - ch; x < b.x; x += 0.7f * em)
        dl->AddLine(ImVec2(std::max(a.x, x), a.y + (std::max(a.x, x) - x)), ImVec2(std::min(b.x, x + ch), a.y + (std::min(b.x, x + ch) - x)),
                    IM_COL32(150, 50, 50, 255), 1.0f);
      dl->AddRect(a, b, theme::kDown, 0.15f * em, 0, 1.5f);
      dl->AddText(ImVec2(a.x + 0.4f * em, a.y + (ch - em) / 2), theme::kText, del);
    }
    if (w.elided) dl->AddText(ImVec2(cells_x - dots_w + 0.3f * em, o.y + (ch - em) / 2), theme::kDim, "...");
    // Only the records shown (records are by offset): a long log costs nothing per frame.
    auto shown = std::lower_bound(p.records.begin(), p.records.end(), w.first,
                                  [](const Record& r, std::int64_t off) { return r.offset < off; });
    std::int64_t lso = -1;  // the first record of an open transaction: read_committed readers stop there
    for (auto it = shown; it != p.records.end(); ++it) {
      const Record& r = *it;
      ImVec2 a(x_of(r.offset), o.y), b(a.x + cell - 2, o.y + ch);
      if (r.control) {  // a marker: a dark tile, green C or red A
        dl->AddRectFilled(a, b, IM_COL32(40, 40, 48, 255), 0.15f * em);
        dl->AddRect(a, b, r.control == 1 ? kCommitMarker : theme::kDown, 0.15f * em, 0, 2.0f);
        dl->AddText(ImVec2(a.x + 0.2f * em, a.y + 0.2f * em), r.control == 1 ? kCommitMarker : theme::kDown,
                    r.control == 1 ? "C" : "A");
        continue;
      }
      const Checker::TxnRecord txn = st.ledger().txn_record(r.msg);
      if (txn == Checker::TxnRecord::Open && lso < 0) lso = r.offset;
      bool sel = app.selected && r.msg == app.selected;
      dl->AddRectFilled(a, b, msg_color(r.msg, app.selected && !sel ? 90 : 255), 0.15f * em);
      dl->AddRect(a, b, sel ? theme::kSelected : IM_COL32(0, 0, 0, 255), 0.15f * em, 0, sel ? 3.0f : 1.0f);
      char buf[24];
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(r.offset));
      dl->AddText(ImVec2(a.x + 0.2f * em, a.y + 0.2f * em), IM_COL32(0, 0, 0, 255), buf);
      if (!r.key.empty()) {  // the record key, under the offset (clipped to the cell)
        dl->PushClipRect(a, b, true);
        dl->AddText(ImVec2(a.x + 0.2f * em, a.y + 1.3f * em), IM_COL32(0, 0, 0, 255), r.key.c_str());
        dl->PopClipRect();
      }
      if (txn == Checker::TxnRecord::Open) {  // written, not committed yet: a dashed inner outline
        for (float x = a.x + 0.2f * em; x < b.x - 0.3f * em; x += 0.6f * em) {
          dl->AddLine(ImVec2(x, a.y + 2), ImVec2(x + 0.3f * em, a.y + 2), kOpenTxn, 2.0f);
          dl->AddLine(ImVec2(x, b.y - 2), ImVec2(x + 0.3f * em, b.y - 2), kOpenTxn, 2.0f);
        }
      } else if (txn == Checker::TxnRecord::Aborted) {  // its transaction aborted: void for read_committed
        dl->AddLine(a, b, theme::kDown, 2.0f);
        dl->AddLine(ImVec2(a.x, b.y), ImVec2(b.x, a.y), theme::kDown, 2.0f);
      }
      ImVec2 mouse = ImGui::GetIO().MousePos;
      if (mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y && ImGui::IsWindowHovered()) {
        ImGui::SetTooltip("offset %lld: m%llu key %s%s", static_cast<long long>(r.offset),
                          static_cast<unsigned long long>(r.msg), r.key.c_str(),
                          txn == Checker::TxnRecord::Open      ? " (transaction open)"
                          : txn == Checker::TxnRecord::Aborted ? " (transaction aborted)"
                                                               : "");
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) app.select(r.msg);
      }
    }
    if (lso >= 0) {  // the last stable offset, when a transaction is open
      const float x = x_of(lso) - 1;
      dl->AddLine(ImVec2(x, o.y - 0.2f * em), ImVec2(x, o.y + ch + 0.2f * em), kOpenTxn, 3.0f);
      // Under the row, left of the line: above it sit the partition's own figures.
      dl->AddText(ImVec2(x - ImGui::CalcTextSize("LSO").x - 0.5f * em, o.y + ch), kOpenTxn, "LSO");
    }
    for (std::int64_t b : p.segment_bases)
      if (b >= w.first) dl->AddLine(ImVec2(x_of(b) - 1, o.y - 0.2f * em), ImVec2(x_of(b) - 1, o.y + ch + 0.2f * em), theme::kRedelivered, 3.0f);
    // Where an offset is drawn: its cell; the deleted block for a deleted one; the "…"
    // for one the log holds off-screen.
    auto place_x = [&](std::int64_t off) {
      if (off < p.log_start) return o.x + (del_w - 0.3f * em) / 2;
      if (off < w.first) return cells_x - dots_w / 2;
      return x_of(off);
    };
    const ImU32 green = theme::role_color(Role::Consumer);
    int row = 0;
    for (const TapeCursor& c : w.cursors) {
      const float x = place_x(c.position);
      const float y0 = o.y + ch;
      if (c.position >= 0) {
        dl->AddTriangleFilled(ImVec2(x, y0), ImVec2(x - 0.4f * em, y0 + 0.5f * em), ImVec2(x + 0.4f * em, y0 + 0.5f * em), green);
        if (c.place != CursorPlace::OnTape) {  // off the cells: say where it is and how far behind
          char buf[96];
          std::snprintf(buf, sizeof buf, "%s at %lld%s, lag %lld", m.node_name(c.consumer).c_str(),
                        static_cast<long long>(c.position), c.place == CursorPlace::Deleted ? " (deleted)" : "",
                        static_cast<long long>(c.lag));
          dl->AddText(ImVec2(x - 0.4f * em, y0 + 0.5f * em + static_cast<float>(row++) * em), green, buf);
        }
      }
      // Its last jump over records it never read: an arc from where it was to where it went.
      if (c.jump) {
        const float xa = place_x(c.jump->from), xb = place_x(c.jump->to) + 0.1f * em;
        const float top = o.y - 1.1f * em;
        dl->AddBezierCubic(ImVec2(xa, o.y), ImVec2(xa, top), ImVec2(xb, top), ImVec2(xb, o.y), theme::kRedelivered, 2.0f, 24);
        dl->AddTriangleFilled(ImVec2(xb, o.y), ImVec2(xb - 0.3f * em, o.y - 0.5f * em), ImVec2(xb + 0.3f * em, o.y - 0.5f * em),
                              theme::kRedelivered);
        char buf[160];
        std::snprintf(buf, sizeof buf, "%s jumped %lld -> %lld, %lld skipped (offset reset at %.2f s)",
                      m.node_name(c.consumer).c_str(), static_cast<long long>(c.jump->from),
                      static_cast<long long>(c.jump->to), static_cast<long long>(c.missed), c.jump->t);
        if (ImGui::CalcTextSize(buf).x > width - 0.5f * em)  // large text: the figures first
          std::snprintf(buf, sizeof buf, "%s jumped %lld -> %lld, %lld skipped", m.node_name(c.consumer).c_str(),
                        static_cast<long long>(c.jump->from), static_cast<long long>(c.jump->to), static_cast<long long>(c.missed));
        dl->AddText(ImVec2(o.x + 0.2f * em, top - 0.5f * em), theme::kRedelivered, buf);
      }
    }
    ImGui::Dummy(ImVec2(width, ch + 0.3f * em + static_cast<float>(row) * em));
    for (const auto& [c, cur] : p.cursors) {
      wrap_text(theme::kText, "%s%s%s", m.node_name(c).c_str(), cur.group.empty() ? "" : " / ", cur.group.c_str());
      wrap_more_dim("position %lld", static_cast<long long>(cur.position));
      // A group that has not committed yet has no committed offset (Kafka returns -1).
      if (cur.committed >= 0) {
        wrap_more_dim("committed %lld", static_cast<long long>(cur.committed));
        wrap_more_dim("lag %lld", static_cast<long long>(std::max<std::int64_t>(0, p.next_offset - cur.position)));
      } else {
        wrap_more_dim("no commit yet");
      }
      if (cur.committed >= w.first) {
        float x = x_of(cur.committed);
        dl->AddLine(ImVec2(x, o.y - 0.3f * em), ImVec2(x, o.y + ch + 0.3f * em), theme::kText, 3.0f);
      }
    }
    ImGui::Separator();
  }
  if (has_legend && !legend_first) draw_legend();
  // Kafka's internal topics (the groups' committed offsets): collapsed by default.
  for (const ReplicaTapes& t : tapes) internal += t.internal && !state_of(t.partition);
  if (internal > 0 && ImGui::TreeNode("##internal", "internal topic partitions (%zu, e.g. __consumer_offsets)", internal)) {
    for (const ReplicaTapes& t : tapes)
      if (t.internal) draw_replica_tapes(app, m, t, nullptr, st.ledger(), width);
    for (const PartitionState& p : st.partitions())
      if (internal_partition(p.name) && !replicated.count(p.name))
        wrap_dim("%s: leader %s, log end %lld", p.name.c_str(), m.node_name(p.leader).c_str(),
                 static_cast<long long>(p.next_offset));
    ImGui::TreePop();
  }
  ImGui::EndChild();
}

}  // namespace bs::gui
