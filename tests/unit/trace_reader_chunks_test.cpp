// The trace reader parses chunks of lines on several threads with simdjson, and falls
// back to nlohmann::json for anything unusual: it must read exactly what was written,
// whatever the chunk size, and name the right line of the first error.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "trace/trace.hpp"

using namespace bs;

namespace {
const std::string kGuiData = std::string(BROKERSIM_SCENARIOS_DIR) + "/../tests/gui/";

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string error_of(const std::string& path, std::size_t chunk) {
  try {
    read_trace(path, chunk);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("trace reader: lesson traces read back to the lines the simulator wrote, at every chunk size", "[trace]") {
  // lesson03 and lesson12 were written by the simulator: each event re-serialises to its
  // line. The hand-made ones (other spacing and key order) must read the same at every
  // chunk size as in one piece.
  for (const char* name : {"lesson03_trace.jsonl", "lesson12_trace.jsonl", "replication.jsonl", "cluster.jsonl"}) {
    const std::string path = kGuiData + name;
    const bool simulator_made = std::string(name).rfind("lesson", 0) == 0;
    const auto lines = lines_of(path);
    REQUIRE(lines.size() > 3);
    const Trace whole = read_trace(path);
    for (std::size_t chunk : {std::size_t{64}, std::size_t{1000}, std::size_t{4096}, std::size_t{64} << 20}) {
      INFO(name << " read " << chunk << " bytes at a time");
      const Trace tr = read_trace(path, chunk);
      // Header first, then one event per line, then the footer (if the run finished).
      const std::size_t footer = tr.footer.is_null() ? 0 : 1;
      REQUIRE(tr.events.size() + 1 + footer == lines.size());
      REQUIRE(tr.events.size() == whole.events.size());
      for (std::size_t i = 0; i < tr.events.size(); ++i) {
        INFO("line " << i + 2);
        const std::string text = event_to_json(tr.events[i], tr.header.node_names).dump();
        REQUIRE(text == event_to_json(whole.events[i], whole.header.node_names).dump());
        if (simulator_made) REQUIRE(text == lines[i + 1]);
      }
      CHECK(tr.footer == whole.footer);
      if (footer && simulator_made) CHECK(tr.footer.dump() == lines.back());
    }
  }
}

TEST_CASE("trace reader: the first bad line is named, in whichever chunk or thread it falls", "[trace]") {
  const auto lines = lines_of(kGuiData + "lesson03_trace.jsonl");
  const std::string path =
      (std::filesystem::temp_directory_path() / ("brokersim_chunks_" + std::to_string(::getpid()) + ".jsonl")).string();
  auto write_with = [&](std::size_t at, const std::string& bad, std::size_t at2 = 0, const std::string& bad2 = "") {
    std::ofstream out(path);
    for (std::size_t i = 0; i < lines.size(); ++i) out << (i + 1 == at ? bad : i + 1 == at2 ? bad2 : lines[i]) << '\n';
  };
  for (std::size_t chunk : {std::size_t{500}, std::size_t{64} << 20}) {
    INFO("chunk " << chunk);
    write_with(400, "{not json");
    CHECK_THAT(error_of(path, chunk), Catch::StartsWith(path + ":400: not a JSON object (malformed JSON at column 3"));
    write_with(300, R"({"t":1.0,"kind":"deliver","node":"nobody"})", 450, "{not json");
    CHECK(error_of(path, chunk) == path + ":300: \"node\" names unknown node \"nobody\"");
    write_with(120, R"({"t":"soon","kind":"publish","node":"p1"})");
    CHECK(error_of(path, chunk) == path + ":120: field \"t\": expected a time in seconds >= 0, got \"soon\"");
    write_with(2, R"({"t":0.5,"kind":"teleport","node":"p1"})");
    CHECK(error_of(path, chunk) == path + ":2: unknown event kind \"teleport\"");
  }
  std::remove(path.c_str());
}
