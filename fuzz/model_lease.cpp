// Fuzz the lease models (sim/models/lease/loader.cpp): the input, read as JSON, is loaded
// as an "sqs", "pubsub" or "servicebus" scenario (its own "model" if it is one of them,
// else "sqs"), and its nodes are built.
#include "load_and_build.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bs::fuzz::load_as_model(data, size, {"sqs", "pubsub", "servicebus"});
  return 0;
}
