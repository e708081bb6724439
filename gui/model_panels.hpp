// The broker-internals panel of each model, chosen by the trace header's "model": the
// GUI's frame asks here and never branches on a model's name.
#pragma once
#include <string_view>

#include "views.hpp"

namespace bs::gui {

/// Draws one run's broker internals (queues, partition tapes, ...) into `size`.
using PanelFn = void (*)(AppState& app, Run& run, ImVec2 size);

/// The panel of `model`, or a panel saying the model is unknown to this GUI.
PanelFn model_panel(std::string_view model);

}  // namespace bs::gui
