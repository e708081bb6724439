#include "models/model.hpp"

namespace bs {

const std::vector<const ModelModule*>& model_modules() {
  // One line per model.
  static const std::vector<const ModelModule*> all = {
      &kAmqpModel,
      &kKafkaModel,
      &kSqsModel,
      &kPubSubModel,
      &kServiceBusModel,
      &kKinesisModel,
      &kActiveMqModel,
  };
  return all;
}

const ModelModule* find_model(std::string_view name) {
  for (const ModelModule* m : model_modules())
    if (m->name == name) return m;
  return nullptr;
}

std::vector<std::string> model_names() {
  std::vector<std::string> out;
  for (const ModelModule* m : model_modules()) out.emplace_back(m->name);
  return out;
}

}  // namespace bs
