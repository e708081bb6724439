// Every queue lesson's routing, as the canvas will draw it, agrees with the simulator:
// each routing decision is explained by bindings the broker's matcher says matched (none
// had to be inferred), and the unroutable publishes the canvas shows are the checker's
// `unroutable` total (trace footer).
// Usage: gui_routing_lessons TRACE.jsonl...   Prints one line per disagreement, then
// "N passed, N failed" (one check per trace).
#include <cstdio>
#include <string>

#include "model/routing.hpp"

using namespace bs;
using namespace bs::gui;

int main(int argc, char** argv) {
  int passed = 0, failed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string path = argv[i];
    const Trace tr = read_trace(path);
    if (tr.header.model != "queue") continue;
    const RoutingGraph g(tr);
    std::string why;
    if (g.empty()) why = "no routing in the header";
    std::size_t unroutable = 0, routed = 0;
    for (const Route& r : g.routes()) {
      if (r.exchange < 0) why = "m" + std::to_string(r.msg) + " went through an exchange the header does not list";
      if (r.inferred) why = "m" + std::to_string(r.msg) + ": no binding the matcher agrees with";
      if (!r.unroutable && r.bindings.empty()) why = "m" + std::to_string(r.msg) + " reached a queue through no binding";
      if (r.unroutable && r.dead_lettered_from.empty()) ++unroutable;
      if (!r.unroutable) ++routed;
    }
    const auto& totals = tr.footer.is_object() ? tr.footer.value("totals", nlohmann::ordered_json::object())
                                               : nlohmann::ordered_json::object();
    if (totals.contains("unroutable") && totals["unroutable"].get<std::size_t>() != unroutable)
      why = "unroutable " + std::to_string(unroutable) + ", the checker says " + totals["unroutable"].dump();
    if (why.empty()) {
      ++passed;
    } else {
      ++failed;
      std::printf("FAIL %s: %s\n", path.c_str(), why.c_str());
    }
    std::printf("%s: %zu routed, %zu unroutable\n", path.c_str(), routed, unroutable);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
