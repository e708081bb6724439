// Trace I/O: TraceWriter writes JSON Lines, read_trace reads them back.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "vocabulary/vocabulary.hpp"
#include "trace/trace.hpp"

using namespace bs;
using json = nlohmann::ordered_json;

namespace {

/// A file in the temp directory, removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name)
      : path((std::filesystem::temp_directory_path() /
              ("brokersim_trace_test_" + std::to_string(::getpid()) + "_" + name + ".jsonl"))
                 .string()) {}
  ~TempFile() { std::remove(path.c_str()); }
  void write(const std::string& text) const {
    std::ofstream out(path);
    out << text;
  }
};

json header() {
  json h;
  h["scenario"] = "unit";
  h["title"] = "Unit trace";
  h["description"] = "hand-written";
  h["model"] = "queue";
  h["seed"] = 42;
  h["nodes"] = json::array({json{{"name", "broker"}, {"role", "broker"}}, json{{"name", "p1"}, {"role", "producer"}},
                            json{{"name", "c1"}, {"role", "consumer"}}});
  return h;
}

const std::string kHeaderLine =
    R"({"type":"header","format":"brokersim-trace","version":1,"scenario":"s","seed":1,"nodes":[{"name":"broker","role":"broker"},{"name":"c1","role":"consumer"}]})";

std::string error_of(const std::string& path) {
  try {
    read_trace(path);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("trace: every kind's name round-trips", "[trace]") {
  for (const EventKind kind : all_event_kinds()) {
    const auto name = kind_name(kind);
    CHECK_FALSE(name.empty());
    auto back = kind_from_name(name);
    REQUIRE(back);
    CHECK(*back == kind);
  }
  CHECK_FALSE(kind_from_name("no_such_kind"));
  CHECK(kind_name(ev::Deliver) == "deliver");
  CHECK(kind_name(ev::DeadLetter) == "dead_letter");
}

TEST_CASE("trace: the writer emits a header line, one line per event, and a footer", "[trace]") {
  std::stringstream ss;
  TraceWriter w(ss, header());
  w.on_event(Event{.t = 0.5, .kind = ev::Deliver, .node = 0, .msg = 3, .peer = 2, .queue = "q", .tag = 1,
                   .seq = 3, .flag = true, .text = "auto_ack"});
  w.write_footer(json{{"verdict", "pass"}});
  std::vector<json> lines;
  for (std::string l; std::getline(ss, l);) lines.push_back(json::parse(l));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["type"] == "header");
  CHECK(lines[0]["format"] == "brokersim-trace");
  CHECK(lines[0]["version"] == kTraceVersion);
  CHECK(lines[0]["scenario"] == "unit");
  CHECK(lines[0]["seed"] == 42);
  const json& e = lines[1];
  CHECK(e["t"] == 0.5);
  CHECK(e["kind"] == "deliver");
  CHECK(e["node"] == "broker");
  CHECK(e["msg"] == 3);
  CHECK(e["consumer"] == "c1");
  CHECK(e["queue"] == "q");
  CHECK(e["tag"] == 1);
  CHECK(e["position"] == 3);
  CHECK(e["redelivered"] == true);
  CHECK(e["mode"] == "auto_ack");
  CHECK(lines[2]["type"] == "footer");
  CHECK(lines[2]["verdict"] == "pass");
}

TEST_CASE("trace: unused and default fields are not written", "[trace]") {
  Event e{.t = 1, .kind = ev::Crash, .node = 2, .msg = 0, .peer = 1, .queue = "q", .tag = 4, .seq = 5,
          .flag = true, .text = "x"};
  json j = event_to_json(e, {"broker", "p1", "c1"});
  CHECK(j.size() == 3);  // t, kind, node
  CHECK(j["kind"] == "crash");
  CHECK(j["node"] == "c1");
  Event d{.t = 1, .kind = ev::Deliver, .node = 0, .msg = 7};
  json jd = event_to_json(d, {"broker"});
  CHECK_FALSE(jd.contains("consumer"));  // no peer
  CHECK_FALSE(jd.contains("tag"));       // -1
  CHECK_FALSE(jd.contains("position"));  // -1
  CHECK_FALSE(jd.contains("mode"));      // empty
  CHECK(jd["redelivered"] == false);     // a flag is always written
}

TEST_CASE("trace: times are rounded to the nanosecond", "[trace]") {
  json j = event_to_json(Event{.t = 0.1 + 0.2, .kind = ev::Crash, .node = 0}, {"broker"});
  CHECK(j.dump().find("0.30000000000000004") == std::string::npos);
  CHECK(j["t"].get<double>() == Approx(0.3));
}

TEST_CASE("trace: events of every kind survive a write and read round trip", "[trace]") {
  TempFile f("roundtrip");
  std::vector<Event> in;
  {
    std::ofstream out(f.path);
    TraceWriter w(out, header());
    int k = 0;
    for (const EventKind kind : all_event_kinds()) {
      ++k;
      Event e{.t = 0.25 * k, .kind = kind, .node = static_cast<NodeId>(k % 3),
              .msg = static_cast<MsgId>(100 + k), .peer = static_cast<NodeId>((k + 1) % 3), .queue = "queue-" + std::to_string(k),
              .tag = 10 + k, .seq = 20 + k, .flag = k % 2 == 0, .text = "text " + std::to_string(k)};
      if (e.kind == ev::NetSend) {
        e.pkt = 77;
        e.items = {NetItem{"publish", 5}, NetItem{"heartbeat", 0}};
      }
      in.push_back(e);
      w.on_event(e);
    }
    w.write_footer(json{{"verdict", "fail"}, {"lost", 2}});
  }
  const Trace tr = read_trace(f.path);
  CHECK(tr.header.version == kTraceVersion);
  CHECK(tr.header.scenario == "unit");
  CHECK(tr.header.title == "Unit trace");
  CHECK(tr.header.description == "hand-written");
  CHECK(tr.header.model == "queue");
  CHECK(tr.header.seed == 42);
  CHECK(tr.header.node_names == std::vector<std::string>{"broker", "p1", "c1"});
  CHECK(tr.header.node_roles == std::vector<std::string>{"broker", "producer", "consumer"});
  CHECK(tr.footer["verdict"] == "fail");
  CHECK(tr.footer["lost"] == 2);
  REQUIRE(tr.events.size() == in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Event& a = in[i];
    const Event& b = tr.events[i];
    const FieldNames& fn = field_names(a.kind);
    INFO("kind " << kind_name(a.kind));
    CHECK(b.kind == a.kind);
    CHECK(b.t == Approx(a.t));
    CHECK(b.node == a.node);
    CHECK(b.msg == a.msg);
    CHECK(b.pkt == a.pkt);
    CHECK(b.peer == (fn.peer ? a.peer : kNoNode));
    CHECK(b.queue == (fn.queue ? a.queue : ""));
    CHECK(b.tag == (fn.tag ? a.tag : -1));
    CHECK(b.seq == (fn.seq ? a.seq : -1));
    CHECK(b.flag == (fn.flag ? a.flag : false));
    CHECK(b.text == (fn.text ? a.text : ""));
    REQUIRE(b.items.size() == a.items.size());
    for (std::size_t k = 0; k < a.items.size(); ++k) {
      CHECK(b.items[k].op == a.items[k].op);
      CHECK(b.items[k].msg == a.items[k].msg);
    }
  }
}

TEST_CASE("trace: the queue-model fields a reader relies on all round-trip", "[trace]") {
  // Every field the checker reads for these kinds must come back.
  for (auto k : {ev::Publish, ev::Deliver, ev::Ack, ev::Nack,
                 ev::Requeue, ev::Drop, ev::Confirm}) {
    const FieldNames& f = field_names(k);
    INFO("kind " << kind_name(k));
    CHECK(f.peer != nullptr);
  }
  CHECK(field_names(ev::Enqueue).queue != nullptr);
  CHECK(field_names(ev::Enqueue).seq != nullptr);
  CHECK(field_names(ev::Deliver).text != nullptr);  // "auto_ack" mode
  CHECK(field_names(ev::Drop).text != nullptr);     // reason
  CHECK(field_names(ev::Confirm).flag != nullptr);  // ack / nack
}

TEST_CASE("trace: reading a missing file fails naming it", "[trace][errors]") {
  const std::string path = "/nonexistent/dir/no-such-trace.jsonl";
  const std::string msg = error_of(path);
  CHECK_THAT(msg, Catch::Contains(path));
  CHECK_THAT(msg, Catch::Contains("cannot open"));
}

TEST_CASE("trace: a malformed JSON line fails with file:line", "[trace][errors]") {
  TempFile f("malformed");
  f.write(kHeaderLine + "\n" + R"({"t":0,"kind":"crash","node":"broker"})" + "\n" + R"({"t":1,"kind":"cra)" + "\n");
  const std::string msg = error_of(f.path);
  CHECK_THAT(msg, Catch::Contains(f.path + ":3:"));
  CHECK_THAT(msg, Catch::Contains("JSON"));
}

TEST_CASE("trace: a JSON value that is not an object fails", "[trace][errors]") {
  TempFile f("array");
  f.write(kHeaderLine + "\n[1,2,3]\n");
  CHECK_THAT(error_of(f.path), Catch::Contains(f.path + ":2:"));
}

TEST_CASE("trace: a newer format version is refused", "[trace][errors]") {
  TempFile f("version");
  f.write(R"({"type":"header","format":"brokersim-trace","version":99,"nodes":[]})"
          "\n");
  const std::string msg = error_of(f.path);
  CHECK_THAT(msg, Catch::Contains(f.path + ":1:"));
  CHECK_THAT(msg, Catch::Contains("99"));
  CHECK_THAT(msg, Catch::Contains("newer"));
}

TEST_CASE("trace: an unknown event kind is refused", "[trace][errors]") {
  TempFile f("kind");
  f.write(kHeaderLine + "\n" + R"({"t":0,"kind":"teleport","node":"broker"})" + "\n");
  const std::string msg = error_of(f.path);
  CHECK_THAT(msg, Catch::Contains(f.path + ":2:"));
  CHECK_THAT(msg, Catch::Contains("unknown event kind \"teleport\""));
}

TEST_CASE("trace: an event naming an unknown node is refused", "[trace][errors]") {
  TempFile f("node");
  f.write(kHeaderLine + "\n" + R"({"t":0,"kind":"deliver","node":"broker","consumer":"c9"})" + "\n");
  const std::string msg = error_of(f.path);
  CHECK_THAT(msg, Catch::Contains(":2:"));
  CHECK_THAT(msg, Catch::Contains("c9"));
}

TEST_CASE("trace: a missing or wrong header is refused", "[trace][errors]") {
  TempFile empty("empty");
  empty.write("");
  CHECK_THAT(error_of(empty.path), Catch::Contains("no header"));
  TempFile noheader("noheader");
  noheader.write(R"({"t":0,"kind":"crash","node":"broker"})"
                 "\n");
  CHECK_THAT(error_of(noheader.path), Catch::Contains(":1:"));
  CHECK_THAT(error_of(noheader.path), Catch::Contains("header"));
  TempFile nonodes("nonodes");
  nonodes.write(R"({"type":"header","format":"brokersim-trace","version":1})"
                "\n");
  CHECK_THAT(error_of(nonodes.path), Catch::Contains("nodes"));
}

TEST_CASE("trace: an event without a valid time is refused", "[trace][errors]") {
  TempFile f("time");
  f.write(kHeaderLine + "\n" + R"({"kind":"crash","node":"broker"})" + "\n");
  CHECK_THAT(error_of(f.path), Catch::Contains("\"t\""));
  TempFile g("time2");
  g.write(kHeaderLine + "\n" + R"({"t":"soon","kind":"crash","node":"broker"})" + "\n");
  CHECK_THAT(error_of(g.path), Catch::Contains("field \"t\": expected a time in seconds >= 0, got \"soon\""));
}

TEST_CASE("trace: blank lines are skipped and a trace without footer still reads", "[trace]") {
  TempFile f("blank");
  f.write(kHeaderLine + "\n\n" + R"({"t":0.5,"kind":"crash","node":"c1"})" + "\n\n");
  const Trace tr = read_trace(f.path);
  REQUIRE(tr.events.size() == 1);
  CHECK(tr.events[0].node == 1);
  CHECK(tr.footer.is_null());
}

// Fuzzer findings (issue 13): numbers beyond an integer field's type were cast to it
// (undefined behaviour; the GUI showed garbage ids). Each is refused with line and field.
TEST_CASE("trace: integer fields out of range are refused with the line and the field", "[trace][errors]") {
  auto error_for = [](const std::string& event) {
    TempFile f("range");
    f.write(kHeaderLine + "\n" + R"({"t":0,"kind":"crash","node":"broker"})" + "\n" + event + "\n");
    return error_of(f.path);
  };
  CHECK_THAT(error_for(R"({"t":1,"kind":"crash","node":"c1","msg":1e300})"),
             Catch::EndsWith(":3: field \"msg\": expected an integer id, got 1e+300"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"crash","node":"c1","msg":18446744073709551616})"),
             Catch::Contains(":3: field \"msg\": expected an integer id"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"crash","node":"c1","msg":-1})"), Catch::EndsWith(":3: field \"msg\": expected an integer id, got -1"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"crash","node":"c1","pkt":2.5})"), Catch::EndsWith(":3: field \"pkt\": expected an integer id, got 2.5"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"deliver","node":"broker","tag":-3})"),
             Catch::EndsWith(":3: field \"tag\": expected an integer >= 0, got -3"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"deliver","node":"broker","tag":9223372036854775808})"),
             Catch::EndsWith(":3: field \"tag\": expected an integer >= 0, got 9223372036854775808"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"crash","node":"c1","msg":1e400})"),
             Catch::EndsWith(":3: field \"msg\": expected a number a double can hold, got 1e400"));
  CHECK_THAT(error_for(R"({"t":1e400,"kind":"crash","node":"c1"})"),
             Catch::EndsWith(":3: field \"t\": expected a number a double can hold, got 1e400"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"link_down","node":"c1"})"),
             Catch::EndsWith(":3: field \"peer\": missing (every \"link_down\" event names the other end of the link)"));
  CHECK_THAT(error_for(R"({"t":1,"kind":"crash"})"), Catch::EndsWith(":3: field \"node\": missing (every \"crash\" event names its node)"));
}

TEST_CASE("trace: integer fields at the edges of their range are read", "[trace]") {
  TempFile f("edges");
  f.write(kHeaderLine + "\n" + R"({"t":1,"kind":"crash","node":"c1","msg":18446744073709551615})" + "\n" +
          R"({"t":1,"kind":"crash","node":"c1","msg":1e3})" + "\n" +
          R"({"t":1,"kind":"deliver","node":"broker","tag":9223372036854775807})" + "\n");
  const Trace tr = read_trace(f.path);
  REQUIRE(tr.events.size() == 3);
  CHECK(tr.events[0].msg == 18446744073709551615ULL);
  CHECK(tr.events[1].msg == 1000);
  CHECK(tr.events[2].tag == 9223372036854775807LL);
}

TEST_CASE("trace: a bad header names the field, and a directory is not a trace", "[trace][errors]") {
  auto error_for = [](const std::string& header) {
    TempFile f("hdr");
    f.write(header + "\n");
    return error_of(f.path);
  };
  const std::string h = R"({"type":"header","format":"brokersim-trace","version":1,)";
  CHECK_THAT(error_for(h + R"("title":5,"nodes":[]})"), Catch::EndsWith(":1: field \"title\": expected a string, got 5"));
  CHECK_THAT(error_for(h + R"("seed":-1,"nodes":[]})"), Catch::EndsWith(":1: field \"seed\": expected an integer seed, got -1"));
  CHECK_THAT(error_for(h + R"("nodes":[{"name":"a"},{"name":7}]})"),
             Catch::EndsWith(":1: field \"nodes[1].name\": expected a string, got 7"));
  CHECK_THAT(error_for(h + R"("nodes":[{"name":"a","role":[]}]})"),
             Catch::EndsWith(":1: field \"nodes[0].role\": expected a string, got []"));
  const std::string dir = std::filesystem::temp_directory_path().string();
  CHECK_THAT(error_of(dir), Catch::EndsWith("is a directory, not a trace file"));
}
