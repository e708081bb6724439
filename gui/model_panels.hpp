// The broker-internals panel of each model, chosen by the trace header's "model": the
// GUI's frame asks here and never branches on a model's name. Runs too large to draw
// message by message get counts and charts instead.
#pragma once
#include <cstdint>
#include <string_view>

#include "views.hpp"

namespace bs::gui {

/// Draws one run's broker internals (queues, partition tapes, ...) into `size`.
using PanelFn = void (*)(AppState& app, Run& run, ImVec2 size);

/// The panel of `model`, or a panel saying the model is unknown to this GUI.
PanelFn model_panel(std::string_view model);

/// Above this many published messages (the ledger's count) a run is "large": one box per
/// message would be unreadable, so counts and charts replace them.
inline constexpr std::uint64_t kLargeRunMessages = 10000;

/// The run's charts over time (see model/series.hpp), sampled once in the background from
/// the first call on; nullptr until they are ready (a 250,000-message run takes seconds).
const RunSeries* run_series(Run& run);
/// The same, waiting for them (headless screenshots).
const RunSeries& run_series_wait(Run& run);
/// True for a run over kLargeRunMessages messages.
bool large_run(Run& run);
/// Broker internals of a large run: per queue / partition counts at the viewed time, then charts.
void draw_large_internals(AppState& app, Run& run, ImVec2 size);
/// Consumers of a large run: one table row of counts per consumer (scrolls, clipped).
void draw_consumer_counts(AppState& app, Run& run, ImVec2 size);
/// Every chart of the run, stacked (the Charts tab and the large-run panel).
void draw_chart_list(AppState& app, Run& run);

}  // namespace bs::gui
