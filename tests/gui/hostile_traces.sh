#!/usr/bin/env bash
# hostile_traces.sh GUI BASE_TRACE OUT_DIR
# Traces a fuzzer found crashing the GUI or reaching undefined behaviour (issue 13), each
# made from BASE_TRACE by replacing one line. The GUI must refuse each with a message
# naming the file, the line and the field, and a failure exit that is not a crash.
set -u
gui="$1"; base="$2"; out="$3"
mkdir -p "$out"
fail=0; n=0
# case NAME LINE REPLACEMENT EXPECTED-MESSAGE (after "FILE:LINE: ")
case_() {
  local name="$1" line="$2" text="$3" want="$4" f="$out/hostile-$1.jsonl"
  n=$((n + 1))
  awk -v n="$line" -v t="$text" 'NR == n { print t; next } { print }' "$base" > "$f"
  err="$("$gui" --trace "$f" --screenshot "$out/never.png" 2>&1 >/dev/null)"; code=$?
  if [ "$code" -eq 0 ] || [ "$code" -ge 128 ]; then
    echo "FAIL $name: exit $code (expected a refusal, not success or a crash): $err"; fail=$((fail + 1)); return
  fi
  case "$err" in
    *"hostile-$name.jsonl:$line: $want"*) ;;
    *) echo "FAIL $name: error was: $err"; echo "     expected: hostile-$name.jsonl:$line: $want"; fail=$((fail + 1)) ;;
  esac
}
# Crashes: std::out_of_range from Topology::pos(kNoNode) when a link or a frame has one end.
case_ link_down_no_peer 20 '{"t": 0.3, "kind": "link_down", "node": "c1"}' 'field "peer": missing'
case_ link_up_no_peer 20 '{"t": 0.3, "kind": "link_up", "node": "c1"}' 'field "peer": missing'
case_ net_send_no_to 5 '{"t": 0.1, "kind": "net_send", "node": "p1", "pkt": 1, "bytes": 128}' 'field "to": missing'
case_ net_recv_no_from 6 '{"t": 0.11, "kind": "net_recv", "node": "broker", "pkt": 1}' 'field "from": missing'
case_ no_node 4 '{"t": 0.1, "kind": "publish", "msg": 1, "broker": "broker"}' 'field "node": missing'
# UBSan float-cast-overflow: numbers beyond the integer type cast to it.
case_ msg_1e300 9 '{"t": 0.11, "kind": "deliver", "node": "broker", "msg": 1e300, "consumer": "c1", "queue": "work", "tag": 1}' \
  'field "msg": expected an integer id, got 1e+300'
case_ pkt_negative 5 '{"t": 0.1, "kind": "net_send", "node": "p1", "pkt": -1, "to": "broker"}' 'field "pkt": expected an integer id, got -1'
case_ tag_fraction 9 '{"t": 0.11, "kind": "deliver", "node": "broker", "msg": 1, "consumer": "c1", "queue": "work", "tag": 1.5}' \
  'field "tag": expected an integer >= 0, got 1.5'
case_ seq_string 4 '{"t": 0.1, "kind": "publish", "node": "p1", "msg": 1, "broker": "broker", "seq": "one"}' \
  'field "seq": expected an integer >= 0, got "one"'
case_ msg_beyond_double 4 '{"t": 0.1, "kind": "publish", "node": "p1", "msg": 1e400}' \
  'field "msg": expected a number a double can hold, got 1e400'
case_ item_msg 5 '{"t": 0.1, "kind": "net_send", "node": "p1", "pkt": 1, "to": "broker", "items": [{"op": "publish", "msg": 1e30}]}' \
  'field "items[0].msg": expected an integer id, got 1e+30'
case_ item_op 5 '{"t": 0.1, "kind": "net_send", "node": "p1", "pkt": 1, "to": "broker", "items": [{"op": 7}]}' \
  'field "items[0].op": expected a string, got 7'
case_ time_negative 4 '{"t": -2, "kind": "publish", "node": "p1", "msg": 1}' 'field "t": expected a time in seconds >= 0, got -2'
# Raw library messages ("type must be string, but is number") in the header.
header="$(head -n1 "$base")"
case_ header_title 1 "${header/\"title\": \"/\"title\": 5, \"x\": \"}" 'field "title": expected a string, got 5'
case_ header_seed 1 "${header/\"seed\": 1/\"seed\": 1e300}" 'field "seed": expected an integer seed, got 1e+300'
echo "$((n - fail)) of $n hostile traces refused cleanly"
[ "$fail" -eq 0 ]
