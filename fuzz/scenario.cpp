// Fuzz the scenario loader and the node factories: the input is a scenario file's text.
#include "load_and_build.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bs::fuzz::load_and_build(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
