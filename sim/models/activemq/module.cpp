// The ActiveMQ Classic (JMS) profile of the queue model as a module of the simulator.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "models/model.hpp"

namespace bs {

void load_activemq_model(const JsonIn& nodes, Scenario& s);  // loader.cpp

namespace {
void totals(std::ostream& out, const Totals& t) {
  if (!t.jms) return;
  if (t.subscriber_missed)
    fmt::print(out, "  missed by non-durable subscribers {:>5}   (not lost: JMS keeps nothing for a subscriber that is away)\n",
               t.subscriber_missed);
  if (t.client_redeliveries) fmt::print(out, "  client redeliveries {:>5}   (RedeliveryPolicy, after onMessage failed)\n", t.client_redeliveries);
  if (t.jms_transactions)
    fmt::print(out, "  transactions committed {:>4}   rolled back {}   messages sent in them and discarded {}\n", t.session_commits,
               t.session_rollbacks, t.rolled_back);
  if (t.group_assignments)
    fmt::print(out, "  message groups assigned {:>3}   of them moved to another consumer {}\n", t.group_assignments,
               t.group_reassignments);
}
void tables(std::ostream& out, const Totals& t) {
  bool any = false;
  for (const auto& [name, q] : t.queues)
    if (q.missed) any = true;
  if (!any) return;
  fmt::print(out, "  subscription                 routed  missed\n");
  for (const auto& [name, q] : t.queues)
    if (q.routed || q.missed) fmt::print(out, "  {:<28} {:>6}  {:>6}\n", name, q.routed, q.missed);
  fmt::print(out, "\n");
}
}  // namespace

const ModelModule kActiveMqModel{"activemq", "ActiveMQ Classic (JMS)", load_activemq_model, totals, tables};

}  // namespace bs
