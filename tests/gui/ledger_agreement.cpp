// The GUI and the checker read a trace through one ledger, so what the GUI shows must be
// what the checker says: at the end of the run (the trace footer's totals, written by the
// simulator's own checker) and in mid-run (a fresh checker fed the trace cut there).
// Usage: gui_ledger_agreement TRACE.jsonl...   Prints one line per disagreement, then
// "N passed, N failed" (one check per trace and moment).
#include <cmath>
#include <cstdio>
#include <string>

#include "check/checker.hpp"
#include "model/trace_model.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
int failures = 0;

void fail(const std::string& where, const std::string& what) {
  std::printf("FAIL %s: %s\n", where.c_str(), what.c_str());
  ++failures;
}

bool same(double a, double b) { return std::fabs(a - b) <= 1e-6 * std::max(1.0, std::fabs(b)); }

/// Every total the Summary shows equals `want`'s.
void compare_totals(const std::string& where, const Totals& shown, const nlohmann::ordered_json& want) {
  const auto got = totals_json(shown);
  for (const auto& [k, v] : want.items())
    if (!got.contains(k) || !same(got[k].get<double>(), v.get<double>()))
      fail(where, "Summary shows " + k + " = " + (got.contains(k) ? got[k].dump() : "nothing") + ", checker says " + v.dump());
}

/// The consumer view, the lost markers and the partition cursors agree with `t`.
void compare_views(const std::string& where, const TraceModel& m, const SimState& st, const Totals& t,
                   const Checker& cut) {
  for (const auto& [node, c] : st.consumers()) {
    const std::string name = m.node_name(node);
    auto it = t.consumers.find(name);
    const std::uint64_t processed = it == t.consumers.end() ? 0 : it->second.processed;
    const std::uint64_t dups = it == t.consumers.end() ? 0 : it->second.duplicates;
    const std::uint64_t pairs = it == t.consumers.end() ? 0 : it->second.reordered;
    if (c.processed.size() != processed)
      fail(where, name + " shows " + std::to_string(c.processed.size()) + " boxes, checker says processed " + std::to_string(processed));
    if (c.duplicates != dups)
      fail(where, name + " shows " + std::to_string(c.duplicates) + " dup boxes, checker says " + std::to_string(dups));
    if ((c.reordered > 0) != (pairs > 0))
      fail(where, name + " shows " + std::to_string(c.reordered) + " late boxes, checker says reordered " + std::to_string(pairs));
  }
  if (st.lost().size() != t.lost)
    fail(where, "GUI marks " + std::to_string(st.lost().size()) + " messages lost, checker says " + std::to_string(t.lost));
  for (const auto& p : st.partitions())
    for (const auto& [node, cur] : p.cursors)
      if (!cur.group.empty() && cur.committed != cut.committed_offset(cur.group, p.name))
        fail(where, m.node_name(node) + " on " + p.name + " shows committed " + std::to_string(cur.committed) +
                        ", group " + cur.group + " committed " + std::to_string(cut.committed_offset(cur.group, p.name)));
}
}  // namespace

int main(int argc, char** argv) {
  int checks = 0, failed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string path = argv[i];
    auto model = TraceModel::build(read_trace(path));
    const Trace& tr = model->trace;
    if (tr.events.empty()) continue;
    Playhead play(model);

    // Mid-run: the time of the middle event, against a checker fed the trace cut there.
    const double mid = tr.events[tr.events.size() / 2].t;
    play.seek(mid);
    Checker cut(tr.header.node_names, topic_groups_from_header(tr.header.raw), topic_replicas_from_header(tr.header.raw),
                quorum_replicas_from_header(tr.header.raw));
    for (const Event& e : tr.events)
      if (e.t <= mid) cut.on_event(e);
    const std::string at_mid = path + " at t=" + std::to_string(mid);
    const int before_mid = failures;
    compare_totals(at_mid, play.state().ledger().totals(), totals_json(cut.totals()));
    compare_views(at_mid, *model, play.state(), cut.totals(), cut);
    ++checks;
    const bool mid_ok = failures == before_mid;
    failed += !mid_ok;

    // The end: the footer holds the totals the simulator's checker printed.
    play.seek(model->t_end);
    const std::string at_end = path + " at the end";
    const int before_end = failures;
    if (tr.footer.is_object() && tr.footer.contains("totals")) compare_totals(at_end, play.state().ledger().totals(), tr.footer["totals"]);
    else fail(at_end, "the trace has no footer");
    compare_views(at_end, *model, play.state(), play.state().ledger().totals(), play.state().ledger());
    ++checks;
    const bool end_ok = failures == before_end;
    failed += !end_ok;
    std::printf("%s: %s mid-run, %s at the end\n", path.c_str(), mid_ok ? "agree" : "DISAGREE", end_ok ? "agree" : "DISAGREE");
  }
  std::printf("%d passed, %d failed\n", checks - failed, failed);
  return failed ? 1 : 0;
}
