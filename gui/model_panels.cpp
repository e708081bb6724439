#include "model_panels.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "theme.hpp"

namespace bs::gui {
namespace {
struct ModelPanel {
  std::string_view model;
  PanelFn draw;
};

// One line per model (sim/models/registry.cpp lists the same models).
constexpr ModelPanel kPanels[] = {
    {"queue", draw_queues},
    {"log", draw_partitions},
    // The lease model's queues are drawn as queues: a lease is an unacked delivery.
    {"sqs", draw_queues},
    {"pubsub", draw_queues},
    {"servicebus", draw_queues},
    {"kinesis", draw_partitions},
    {"activemq", draw_queues},  // a profile of the queue model: its queues and subscriptions
};

void draw_unknown(AppState&, Run& run, ImVec2 size) {
  ImGui::BeginChild("##internals", size, true);
  ImGui::TextWrapped("This GUI has no broker view for model \"%s\"; the other views still work.",
                     run.model->trace.header.model.c_str());
  ImGui::EndChild();
}

unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

void queue_counts(const SimState& st) {
  if (st.queues().empty()) return;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##queues", 6, flags)) return;
  for (const char* h : {"queue", "ready", "unacked", "enqueued", "acked", "requeued"}) ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  for (const auto& q : st.queues()) {
    std::size_t un = 0;
    for (const auto& [c, list] : q.unacked) un += list.size();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(q.name.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%zu", q.ready.size());
    ImGui::TableNextColumn();
    ImGui::Text("%zu", un);
    ImGui::TableNextColumn();
    ImGui::Text("%llu", ull(q.enqueued));
    ImGui::TableNextColumn();
    ImGui::Text("%llu", ull(q.acked));
    ImGui::TableNextColumn();
    ImGui::Text("%llu", ull(q.requeued));
  }
  ImGui::EndTable();
}

void partition_counts(const SimState& st, const TopicGroups& subscribed) {
  if (st.partitions().empty()) return;
  struct Row {
    const PartitionState* p;
    std::string group;
    std::int64_t committed, lag;
  };
  std::vector<Row> rows;
  for (const auto& p : st.partitions()) {
    std::vector<std::string> groups;
    if (auto g = subscribed.find(p.name.substr(0, p.name.rfind('/'))); g != subscribed.end()) groups = g->second;
    for (const auto& [c, cur] : p.cursors)
      if (!cur.group.empty() && std::find(groups.begin(), groups.end(), cur.group) == groups.end()) groups.push_back(cur.group);
    if (groups.empty()) rows.push_back(Row{&p, "", -1, p.next_offset - p.log_start});
    for (const auto& g : groups) {
      const std::int64_t c = st.ledger().committed_offset(g, p.name);
      rows.push_back(Row{&p, g, c, std::max<std::int64_t>(0, p.next_offset - (c >= 0 ? c : p.log_start))});
    }
  }
  // The partitions furthest behind first: they are what a large run is about.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.lag > b.lag; });
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##partitions", 5, flags)) return;
  for (const char* h : {"partition", "log end", "group", "committed", "lag"}) ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  const std::size_t shown = std::min<std::size_t>(rows.size(), 12);
  for (std::size_t i = 0; i < shown; ++i) {
    const Row& r = rows[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.p->name.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(r.p->next_offset));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(r.group.empty() ? "-" : r.group.c_str());
    ImGui::TableNextColumn();
    if (r.committed >= 0) ImGui::Text("%lld", static_cast<long long>(r.committed));
    else ImGui::TextDisabled("none");
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(r.lag));
  }
  ImGui::EndTable();
  if (rows.size() > shown) ImGui::TextDisabled("... and %zu more (the most lagging shown)", rows.size() - shown);
}
}  // namespace

PanelFn model_panel(std::string_view model) {
  for (const auto& p : kPanels)
    if (p.model == model) return p.draw;
  return draw_unknown;
}

const RunSeries* run_series(Run& run) {
  if (run.series) return run.series.get();
  if (!run.series_job.valid()) {
    // The model is immutable and shared: the worker reads it while the window draws.
    run.series_job = std::async(std::launch::async, [m = run.model]() -> std::shared_ptr<const RunSeries> {
                       // Sample up to where something still happens: after it only
                       // heartbeats go by and every chart stays flat.
                       const double end = m->activity_end > 0 ? m->activity_end : m->t_end;
                       return std::make_shared<const RunSeries>(build_series(m->trace, end));
                     }).share();
  }
  if (run.series_job.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return nullptr;
  run.series = run.series_job.get();
  return run.series.get();
}

const RunSeries& run_series_wait(Run& run) {
  while (!run_series(run)) run.series_job.wait();
  return *run.series;
}

bool large_run(Run& run) {
  if (run.published < 0) run.published = static_cast<std::int64_t>(published_ids(run.model->trace));
  return static_cast<std::uint64_t>(run.published) > kLargeRunMessages;
}

void draw_large_internals(AppState& app, Run& run, ImVec2 size) {
  ImGui::BeginChild("##internals", size, true);
  const Totals& t = run.summary->totals();
  ImGui::TextWrapped("%llu messages: too many to draw one by one. Counts at %.3f s, then the run over time.",
                     ull(static_cast<std::uint64_t>(run.published)), app.t);
  ImGui::TextWrapped("published %llu  processed %llu  acked %llu  lost %llu  pending %llu", ull(t.published), ull(t.processed),
              ull(t.acked), ull(t.lost), ull(t.pending));
  queue_counts(run.play->state());
  partition_counts(run.play->state(), topic_groups_from_header(run.model->trace.header.raw));
  ImGui::Separator();
  draw_chart_list(app, run);
  ImGui::EndChild();
}

void draw_consumer_counts(AppState& app, Run& run, ImVec2 size) {
  const TraceModel& m = *run.model;
  std::vector<NodeId> consumers;
  for (NodeId n = 0; n < m.topo.size(); ++n)
    if (m.topo.role(n) == Role::Consumer) consumers.push_back(n);
  ImGui::BeginChild("##consumers", size, true);
  ImGui::Text("%zu consumers: counts per consumer", consumers.size());
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("##consumer_counts", 5, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* h : {"consumer", "processed", "reordered", "duplicates", "redelivered"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    const auto& totals = run.summary->totals().consumers;
    static const ConsumerTotals none;
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(consumers.size()));
    while (clip.Step())
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const NodeId n = consumers[static_cast<std::size_t>(i)];
        auto it = totals.find(m.node_name(n));
        const ConsumerTotals& ct = it == totals.end() ? none : it->second;
        const bool down = m.topo.node_down(n, app.t);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(down ? theme::kDown : theme::kText), "%s%s", m.node_name(n).c_str(),
                           down ? " (crashed)" : "");
        ImGui::TableNextColumn();
        ImGui::Text("%llu", ull(ct.processed));
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ct.reordered ? theme::kReordered : theme::kDim), "%llu", ull(ct.reordered));
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ct.duplicates ? theme::kDuplicate : theme::kDim), "%llu", ull(ct.duplicates));
        ImGui::TableNextColumn();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(ct.redelivered ? theme::kRedelivered : theme::kDim), "%llu",
                           ull(ct.redelivered));
      }
    ImGui::EndTable();
  }
  ImGui::EndChild();
}

}  // namespace bs::gui
