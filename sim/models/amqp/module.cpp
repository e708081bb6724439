// The queue model (AMQP 0-9-1 / RabbitMQ) as a module of the simulator.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "models/model.hpp"

namespace bs {

void load_amqp_model(const JsonIn& nodes, Scenario& s);  // loader.cpp

namespace {
void totals(std::ostream& out, const Totals& t) {
  // Queues have no offsets to skip; a nonzero count would come from a replay tool.
  if (t.missed) fmt::print(out, "  missed {:>11}\n", t.missed);
  // Flow control: only when a node raised its memory alarm.
  if (t.memory_alarms)
    fmt::print(out, "  memory alarms {:>4}   publishers blocked up to {:.3f} s\n", t.memory_alarms, t.blocked_s);
  // A cluster's replicated queues: only when something failed over.
  if (t.queue_leader_changes || t.unavailable_s > 0)
    fmt::print(out, "  quorum leader changes {:>3}   queue unavailable up to {:.3f} s\n", t.queue_leader_changes, t.unavailable_s);
  if (t.mirror_promotions || t.lost_unsynchronised_promotion || t.lost_split_brain)
    fmt::print(out, "  mirror promotions {:>3}   LOST by unsynchronised promotion {}, by split brain {}\n", t.mirror_promotions,
               t.lost_unsynchronised_promotion, t.lost_split_brain);
}
void tables(std::ostream&, const Totals&) {}
}  // namespace

// Exchanges, bindings, queues, acks: RabbitMQ as AMQP 0-9-1 describes it.
const ModelModule kAmqpModel{"queue", system_of_model("queue"), load_amqp_model, totals, tables};

}  // namespace bs
