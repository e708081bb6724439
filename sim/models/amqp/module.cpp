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
}
void tables(std::ostream&, const Totals&) {}
}  // namespace

const ModelModule kAmqpModel{"queue", "RabbitMQ (AMQP 0-9-1): exchanges, bindings, queues, acks", load_amqp_model, totals,
                             tables};

}  // namespace bs
