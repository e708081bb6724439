// Store nodes: the effects consumers write to their database, whatever the broker model.
// A message's effect applied twice is a duplicate effect even when the broker delivered
// it once; an acked message whose effect never landed is an effect lost.
#include "check/ledger.hpp"

namespace bs::check {

void Ledger::on_store_write(const Event& e) {
  // Only a transaction that carries the effect is awaited (an "id" one does not).
  if (e.text.rfind("effect", 0) == 0 && !effects.count(e.msg)) effect_awaited[e.msg] = e.node;
}

void Ledger::on_effect(const Event& e) {
  auto& n = effects[e.msg];
  if (++n == 1) {
    ++t.effects;
  } else {
    ++t.duplicate_effects;
    verdict.duplicate_effect = true;
  }
  // A write still on the wire when its writer crashed may land all the same.
  effect_awaited.erase(e.msg);
  acked_awaiting_effect.erase(e.msg);
  if (effects_lost.erase(e.msg)) {
    --t.effects_lost;
    verdict.effects_found.push_back(e.msg);
  }
}

void Ledger::lose_effect(MsgId id) {
  effects_lost.insert(id);
  ++t.effects_lost;
  verdict.effects_lost.push_back(id);
}

void Ledger::effects_on_ack(MsgId id) {
  auto w = effect_awaited.find(id);
  if (w == effect_awaited.end()) return;
  // The ack reached the broker after its writer crashed: nobody will write the effect.
  if (w->second == kNoNode) {
    effect_awaited.erase(w);
    lose_effect(id);
  } else {
    acked_awaiting_effect.insert(id);
  }
}

void Ledger::effects_on_crash(NodeId node) {
  for (auto it = effect_awaited.begin(); it != effect_awaited.end();) {
    if (it->second != node) {
      ++it;
      continue;
    }
    if (acked_awaiting_effect.erase(it->first)) {
      lose_effect(it->first);
      it = effect_awaited.erase(it);
    } else {
      it->second = kNoNode;  // orphaned: lost if its ack still arrives
      ++it;
    }
  }
}

}  // namespace bs::check
