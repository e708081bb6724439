// Fuzz the queue model (RabbitMQ, sim/models/amqp/loader.cpp): the input, read as JSON, is
// loaded as a "queue" scenario whatever its "model" says, and its nodes are built.
#include "load_and_build.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bs::fuzz::load_as_model(data, size, {"queue"});
  return 0;
}
