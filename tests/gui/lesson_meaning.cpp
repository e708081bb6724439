// On every lesson's trace: nothing the checker counts is hidden from the views, and every
// lost message has its marker. Replays each trace event by event (SimState, the GUI's own
// reading) and checks, at every event:
//   - each message that becomes lost gets a "lost" marker at that event, with the same
//     reason the queue view prints;
//   - each consumer's "skipped dup" boxes equal the checker's duplicates_skipped;
//   - a message an auto-ack consumer holds is delivered, not yet processed, not lost;
//   - a duplicate an idempotent consumer skips, an effect a store applies a second time,
//     and one that becomes lost each have their marker;
//   - each completed Kafka transaction has its commit or abort marker, each fenced request
//     its fencing marker, and the tapes cross out as many aborted records as the checker counts.
// At the end no auto-ack delivery is still held unless the checker has pending messages,
// and each state change never published has its marker.
// Usage: gui_lesson_meaning [--print] TRACE.jsonl...   (--print lists markers and stops)
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "model/trace_model.hpp"
#include "amqp/events.hpp"
#include "store/events.hpp"
#include "kafka/events.hpp"
#include "store/xa_events.hpp"
#include "vocabulary/event_read.hpp"

using namespace bs;
using namespace bs::gui;

namespace {
int failures = 0;
void fail(const std::string& where, const std::string& what) {
  std::printf("FAIL %s: %s\n", where.c_str(), what.c_str());
  ++failures;
}
}  // namespace

int main(int argc, char** argv) {
  bool print = false;
  int traces = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--print") == 0) {
      print = true;
      continue;
    }
    const std::string path = argv[i];
    auto model = TraceModel::build(read_trace(path));
    const Trace& tr = model->trace;
    ++traces;
    const int before = failures;
    SimState s = sim_state_for(tr);
    std::set<std::pair<MsgId, std::size_t>> processed_or_skipped;
    for (std::size_t k = 0; k < tr.events.size(); ++k) {
      const Event& e = tr.events[k];
      s.apply(e, k);
      const std::string where = path + " event " + std::to_string(k) + " (t=" + std::to_string(e.t) + ")";
      for (MsgId id : s.ledger().last_verdict().lost) {
        const LostMsg* l = s.lost_entry(id);
        if (!l || l->why.empty()) {
          fail(where, "m" + std::to_string(id) + " lost without a reason");
          continue;
        }
        const std::string label = "m" + std::to_string(id) + " lost: " + l->why;
        if (std::none_of(model->markers.begin(), model->markers.end(), [&](const Marker& mk) {
              return mk.kind == MarkerKind::Loss && mk.event == k && mk.msg == id && mk.label == label;
            }))
          fail(where, "no marker \"" + label + "\"");
      }
      const Verdict& v = s.ledger().last_verdict();
      auto marked = [&](MarkerKind kind, MsgId id, std::size_t at) {
        return std::any_of(model->markers.begin(), model->markers.end(),
                           [&](const Marker& mk) { return mk.kind == kind && mk.event == at && mk.msg == id; });
      };
      if (e.kind == ev::DuplicateSkipped && !marked(MarkerKind::Duplicate, e.msg, k))
        fail(where, "m" + std::to_string(e.msg) + " skipped as a duplicate, no marker");
      if (v.duplicate_effect && !marked(MarkerKind::Duplicate, e.msg, k))
        fail(where, "m" + std::to_string(e.msg) + "'s effect applied again, no marker");
      for (MsgId id : v.effects_lost)
        if (!marked(MarkerKind::Loss, id, k)) fail(where, "m" + std::to_string(id) + "'s effect lost, no marker");
      // Kafka transactions: each completed one has its commit or abort mark, each refused
      // zombie request its fencing mark.
      if (e.kind == ev::TxnState) {
        const std::string st = field::text<"state">(e);
        if ((st == "CompleteCommit" && !marked(MarkerKind::TxnCommit, 0, k)) ||
            (st == "CompleteAbort" && !marked(MarkerKind::TxnAbort, 0, k)))
          fail(where, "transaction " + st + " without its marker");
      }
      if (e.kind == ev::TxnFenced && !marked(MarkerKind::Fenced, 0, k)) fail(where, "fenced request without its marker");
      if (e.kind == ev::XaDecision &&
          !marked(field::flag<"commit">(e) ? MarkerKind::TxnCommit : MarkerKind::TxnAbort, e.msg, k))
        fail(where, "two-phase commit decision on m" + std::to_string(e.msg) + " without its marker");
      const Totals t = s.ledger().totals();
      for (const auto& [node, c] : s.consumers()) {
        auto it = t.consumers.find(model->node_name(node));
        const std::uint64_t want = it == t.consumers.end() ? 0 : it->second.duplicates_skipped;
        if (c.skipped.size() != want)
          fail(where, model->node_name(node) + " shows " + std::to_string(c.skipped.size()) +
                          " skipped-duplicate boxes, checker says " + std::to_string(want));
      }
      if (k + 1 == tr.events.size() || tr.events[k + 1].t != e.t)
        for (const QueueState& q : s.queues())
          for (const auto& [node, held] : q.held)
            for (const UnackedMsg& h : held) {
              if (s.lost_entry(h.msg)) fail(where, "m" + std::to_string(h.msg) + " is lost yet drawn as held");
              if (k + 1 == tr.events.size() && t.pending == 0)
                fail(where, "m" + std::to_string(h.msg) + " still held by " + model->node_name(node) + " at the end, nothing pending");
            }
    }
    // Every record an aborted transaction wrote is crossed out on its tape: as many as the
    // checker's aborted_records.
    std::uint64_t crossed = 0;
    for (const PartitionState& p : s.partitions())
      for (const Record& r : p.records) crossed += r.msg && s.ledger().txn_record(r.msg) == Checker::TxnRecord::Aborted;
    if (crossed != s.ledger().totals().aborted_records)
      fail(path, std::to_string(crossed) + " aborted records on the tapes, checker says " +
                     std::to_string(s.ledger().totals().aborted_records));
    for (MsgId id : s.ledger().unpublished())
      if (std::none_of(model->markers.begin(), model->markers.end(), [&](const Marker& mk) {
            return mk.kind == MarkerKind::Loss && mk.msg == id && tr.events[mk.event].kind == ev::StateChange;
          }))
        fail(path, "m" + std::to_string(id) + " saved, never published, no marker");
    std::printf("%s: %s (%zu markers, %zu meaning stops, %zu frame stops, activity ends at %.3f s of %.3f s)\n", path.c_str(),
                failures == before ? "ok" : "FAILED", model->markers.size(), model->steps.meaning().size(),
                model->steps.frames().size(), model->activity_end, model->t_end);
    if (print)
      for (const Marker& mk : model->markers) std::printf("  %9.4f  %-20s %s\n", mk.t, marker_kind_name(mk.kind), mk.label.c_str());
  }
  std::printf("%d traces, %d failures\n", traces, failures);
  return failures ? 1 : 0;
}
