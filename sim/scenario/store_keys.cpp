#include "scenario/store_keys.hpp"

#include <memory>

#include <fmt/format.h>

#include "store/store.hpp"

namespace bs {

NodeId load_store_ref(const JsonIn& n, const Scenario& s) {
  if (!n.has("store")) return kNoNode;
  const std::string name = n.str("store");
  const NodeId id = s.find_node(name);
  if (id == kNoNode) {
    std::vector<std::string> stores;
    for (std::size_t i = 0; i < s.node_names.size(); ++i)
      if (s.node_roles[i] == "store") stores.push_back(s.node_names[i]);
    n.at("store").fail(fmt::format("unknown node \"{}\": declare it with \"role\": \"store\" (stores: {})", name,
                                   stores.empty() ? "none" : fmt::format("{}", fmt::join(stores, ", "))));
  }
  if (s.node_roles[id] != "store")
    n.at("store").fail(fmt::format("\"{}\" has role \"{}\"; a client's \"store\" must be a node with role \"store\"",
                                   name, s.node_roles[id]));
  return id;
}

void load_store_nodes(const JsonIn& nodes, Scenario& s) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (s.node_roles[i] != "store") continue;
    JsonIn n = nodes.at(i);
    n.expect_object({"name", "role", "commit_ms"});
    store::StoreConfig cfg;
    cfg.commit_s = n.num("commit_ms", 0, 1e7, 5) / 1000;
    s.factories[i] = [cfg](RunShared&) { return std::make_unique<store::Store>(cfg); };
  }
}

}  // namespace bs
