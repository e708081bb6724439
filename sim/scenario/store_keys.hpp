// Store nodes ("role": "store"): the database consumers write their effects to. Shared by
// every model: the store is a node of its own, not part of any broker.
#pragma once
#include "scenario/json_in.hpp"
#include "scenario/scenario.hpp"

namespace bs {

/// A client's "store" (a consumer's, where it writes its effects; a producer's, where it
/// records its state changes): the name of a node with role "store", or kNoNode when absent.
/// Throws ScenarioError (file, JSON path) for an unknown node or one that is not a store.
NodeId load_store_ref(const JsonIn& n, const Scenario& s);

/// Each store node's keys ("commit_ms", the time to commit one transaction, default 5)
/// and its factory in s.factories. Throws ScenarioError for a bad key or value.
void load_store_nodes(const JsonIn& nodes, Scenario& s);

}  // namespace bs
