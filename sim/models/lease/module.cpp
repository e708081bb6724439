// The lease model as three modules of the simulator: Amazon SQS (with SNS), Google Cloud
// Pub/Sub and Azure Service Bus share its service, clients and checker rules.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "models/model.hpp"
#include "vocabulary/systems.hpp"

namespace bs {

void load_sqs_model(const JsonIn& nodes, Scenario& s);         // loader.cpp
void load_pubsub_model(const JsonIn& nodes, Scenario& s);      // loader.cpp
void load_servicebus_model(const JsonIn& nodes, Scenario& s);  // loader.cpp

namespace {
template <const char* Lease>
void totals(std::ostream& out, const Totals& t) {
  fmt::print(out, "  {} expired {:>4}   extended {}   late settles refused {}\n", Lease, t.lease_expired, t.lease_extended,
             t.late_settles);
  fmt::print(out, "  reordered per group {}   deduplicated {}   filtered {}\n", t.reordered_per_key, t.deduplicated, t.filtered);
  if (t.deferrals)
    fmt::print(out, "  deferred {}   received by sequence number {}\n", t.deferred, t.deferred_received);
}
void tables(std::ostream& out, const Totals& t) {
  if (t.queues.empty() || t.queues.size() > 32) return;
  fmt::print(out, "  {:<28} {:>7} {:>9} {:>9} {:>13} {:>8}\n", "queue", "stored", "processed", "reordered", "dead-lettered",
             "filtered");
  for (const auto& [name, q] : t.queues)
    fmt::print(out, "  {:<28} {:>7} {:>9} {:>9} {:>13} {:>8}\n", name, q.routed, q.processed, q.reordered, q.dead_lettered,
               q.filtered);
  fmt::print(out, "\n");
}
constexpr char kVisibility[] = "visibility timeouts";
constexpr char kAckDeadline[] = "ack deadlines";
constexpr char kLock[] = "message locks";
}  // namespace

const ModelModule kSqsModel{"sqs", system_of_model("sqs"), load_sqs_model, totals<kVisibility>, tables};
const ModelModule kPubSubModel{"pubsub", system_of_model("pubsub"), load_pubsub_model, totals<kAckDeadline>, tables};
const ModelModule kServiceBusModel{"servicebus", system_of_model("servicebus"), load_servicebus_model, totals<kLock>,
                                   tables};

}  // namespace bs
