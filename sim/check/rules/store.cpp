// Store nodes: the effects consumers write to their database, whatever the broker model.
// A message's effect applied twice in one store is a duplicate effect even when the
// broker delivered it once; an acked message whose effect never landed is an effect lost.
// On the producing side, a state change whose message was never published is a message
// the service owes (a dual write cut by a crash).
#include "check/ledger.hpp"

namespace bs::check {

void Ledger::on_store_write(const Event& e) {
  // Only a transaction that carries the effect is awaited (an "id" one does not).
  const EffectKey k{e.msg, e.peer};
  if (e.text.rfind("effect", 0) == 0 && !effects.count(k)) effect_awaited[k] = AwaitedEffect{e.node, false};
}

void Ledger::on_effect(const Event& e) {
  const EffectKey k{e.msg, e.node};
  StoreTotals& st = store(e.node);
  if (++effects[k] == 1) {
    ++t.effects;
    ++st.effects;
  } else {
    ++t.duplicate_effects;
    ++st.duplicate_effects;
    verdict.duplicate_effect = true;
  }
  // A write still on the wire when its writer crashed may land all the same.
  effect_awaited.erase(k);
  acked_awaiting_effect.erase(k);
  if (effects_lost.erase(k)) {
    --t.effects_lost;
    --st.effects_lost;
    verdict.effects_found.push_back(e.msg);
  }
}

void Ledger::on_state_change(const Event& e) {
  ++t.state_changes;
  StoreTotals& st = store(e.node);
  ++st.state_changes;
  if (field::flag<"outbox">(e)) ++st.outbox_unsent;
  // Published later, by the service (dual write) or its outbox relay; until then it counts.
  if (unpublished.emplace(e.msg, e.node).second) {
    ++t.unpublished;
    ++st.unpublished;
  }
}

void Ledger::on_outbox_sent(const Event& e) {
  StoreTotals& st = store(e.node);
  if (st.outbox_unsent) --st.outbox_unsent;
}

void Ledger::lose_effect(const EffectKey& k) {
  effects_lost.insert(k);
  ++t.effects_lost;
  ++store(k.second).effects_lost;
  verdict.effects_lost.push_back(k.first);
}

void Ledger::effects_on_ack(MsgId id, NodeId consumer) {
  // The stores awaiting this message's effect from the consumer that acked it.
  for (auto w = effect_awaited.lower_bound({id, 0}); w != effect_awaited.end() && w->first.first == id;) {
    if (w->second.writer != consumer) {
      ++w;
    } else if (w->second.orphaned) {
      // The ack reached the broker after its writer crashed: nobody will write the effect.
      lose_effect(w->first);
      w = effect_awaited.erase(w);
    } else {
      acked_awaiting_effect.insert(w->first);
      ++w;
    }
  }
}

void Ledger::effects_on_crash(NodeId node) {
  for (auto it = effect_awaited.begin(); it != effect_awaited.end();) {
    if (it->second.writer != node || it->second.orphaned) {
      ++it;
      continue;
    }
    if (acked_awaiting_effect.erase(it->first)) {
      lose_effect(it->first);
      it = effect_awaited.erase(it);
    } else {
      it->second.orphaned = true;  // lost if its ack still arrives
      ++it;
    }
  }
}

}  // namespace bs::check
