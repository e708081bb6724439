// The log model (Kafka) as a module of the simulator.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "models/model.hpp"

namespace bs {

void load_kafka_model(const JsonIn& nodes, Scenario& s);  // loader.cpp

namespace {
void totals(std::ostream& out, const Totals& t) {
  fmt::print(out, "  missed {:>11}   reordered per key {:>4}   reordered across partitions {}\n", t.missed,
             t.reordered_per_key, t.reordered_across_partitions);
}
void tables(std::ostream& out, const Totals& t) {
  if (t.queues.empty() || t.queues.size() > 32) return;
  fmt::print(out, "  {:<16} {:>8} {:>9} {:>9} {:>6} {:>7} {:>8}\n", "partition", "appended", "processed", "reordered",
             "lost", "missed", "max lag");
  for (const auto& [name, q] : t.queues)
    fmt::print(out, "  {:<16} {:>8} {:>9} {:>9} {:>6} {:>7} {:>8}\n", name, q.routed, q.processed, q.reordered, q.lost,
               q.missed, q.max_lag);
  fmt::print(out, "\n");
}
}  // namespace

const ModelModule kKafkaModel{"log", "Kafka: topics, partitions, offsets, consumer groups", load_kafka_model, totals,
                              tables};

}  // namespace bs
