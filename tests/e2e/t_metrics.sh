#!/bin/bash
# Prometheus metrics of both daemons ([server] MetricsListen,
# docs/metrics.md), read by promtool and by a real Prometheus server.
#
# One private namespace (127/8 on its loopback): the primary (127.0.0.1)
# and its failover (127.0.0.2), each with MetricsListen on port 9647 of
# its own address, and a Prometheus server on 127.0.0.9:9090 scraping
# both every second, its store in the test's directory.
#
#   1. 200 clients bind through the primary; both daemons' /metrics pass
#      `promtool check metrics`; the primary's figures are the ones
#      `dhcpfoctl status` shows (addresses in use, replies sent = the
#      request histogram's count, commits = the commit histogram's);
#      other paths are 404, other methods 405; a reload that changes
#      MetricsListen says a restart is needed and changes nothing;
#   2. Prometheus answers, through its HTTP API, the subnet's
#      utilisation (in use / addresses) as the primary reports it, and
#      branch1's state on the failover: monitoring;
#   3. every metric the Grafana dashboard (etc/grafana-dhcpfo-failover.
#      json) queries is one the daemons export, and each of its
#      expressions is valid PromQL for Prometheus;
#   4. kill -9 of the primary: Prometheus sees the state series change
#      (takeover 1, monitoring 0) and the primary's target down; the
#      clients renew through the failover, whose request histogram for
#      branch1 counts its replies.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd promtool prometheus curl jq
DASH=$TOP/etc/grafana-dhcpfo-failover.json
[ -r "$DASH" ] || fail "$DASH missing"

PROM=127.0.0.9:9090
FO_EXTRA_SERVER="MetricsListen = $FO_F_ADDR:9647"
fo_net
fo_write_configs
ini_add "$T/primary.ini" server <<<"MetricsListen = $FO_P_ADDR:9647"
nsx "$FO_NS" "$P_BIN" -t -c "$T/primary.ini" >/dev/null ||
    fail "primary.ini with MetricsListen rejected by -t"

# scrape ADDR: the body of GET /metrics (curl fails on anything but 2xx).
scrape() { nsx "$FO_NS" curl -sf --max-time 5 "http://$1:9647/metrics"; }
# http_code ARGS...: the status of one request.
http_code() {
	nsx "$FO_NS" curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"
}
# sample FILE NAME_AND_LABELS: the value of one sample of a scrape.
sample() {
	awk -v k="$2" 'index($0, k " ") == 1 { print $NF; found = 1; exit }
	    END { exit !found }' "$1"
}

p_start
f_start
fo_wait_state monitoring 10
p_wait_serving 10
ok "start-up: failover monitoring, primary serving"

out=$(load -b "$FO_RELAY" -n 200 -r 2000 -w 200 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients: $out"
say "$out"
fo_wait_holds 10 "$T/acks1.txt"

# ---- 1. the text format, and the figures status shows
scrape "$FO_P_ADDR" >"$T/p.prom" || fail "primary: GET /metrics failed"
scrape "$FO_F_ADDR" >"$T/f.prom" || fail "failover: GET /metrics failed"
assert "promtool check metrics passes on the primary's /metrics" \
    promtool check metrics <"$T/p.prom"
assert "promtool check metrics passes on the failover's /metrics" \
    promtool check metrics <"$T/f.prom"
assert "GET /other is 404" \
    test "$(http_code "http://$FO_P_ADDR:9647/other")" = 404
assert "POST /metrics is 405" \
    test "$(http_code -X POST -d x "http://$FO_F_ADDR:9647/metrics")" = 405

pctl status --json >"$T/p-status.json"
SUB='subnet="127.16.0.0/16",name="load"'
in_use=$(sample "$T/p.prom" "dhcpfo_subnet_addresses_in_use{$SUB}")
total=$(sample "$T/p.prom" "dhcpfo_subnet_addresses{$SUB}")
assert "addresses in use: $in_use, as status shows" test "$in_use" = \
    "$(jq -r '.subnets[] | select(.name == "load") | .bound + .offered' "$T/p-status.json")"
assert "addresses: $total, as status shows" test "$total" = \
    "$(jq -r '.subnets[] | select(.name == "load") | .total' "$T/p-status.json")"
assert "200 addresses in use" test "$in_use" = 200
# The counters only grow: a later status is at least the scrape.
sent=$(sample "$T/p.prom" dhcpfo_dhcp_request_duration_seconds_count)
commits=$(sample "$T/p.prom" dhcpfo_lease_commit_duration_seconds_count)
assert "request histogram counts every reply sent ($sent)" \
    test "$sent" = "$(jq -r .counters.sent "$T/p-status.json")"
# Commits go on while nothing else happens (the failover's replay
# position is written once a second): the status, read just after the
# scrape, may have a few more.
st_commits=$(jq -r .counters.commits "$T/p-status.json")
assert "commit histogram counts every commit ($commits, status $st_commits)" \
    test "$commits" -le "$st_commits" -a "$((st_commits - commits))" -le 5
assert "400 replies (offers and ACKs) in the histogram" test "$sent" -ge 400
assert "ACKs by type: 200" \
    test "$(sample "$T/p.prom" 'dhcpfo_dhcp_sent_total{type="ack"}')" = 200
assert "the link is serving" \
    test "$(sample "$T/p.prom" 'dhcpfo_link_state{state="serving"}')" = 1
assert "the failover shows branch1 monitoring" test "$(sample "$T/f.prom" \
    'dhcpfo_failover_state{primary="branch1",state="monitoring"}')" = 1
# acked_as_status: the failover's scrape counts 200 updates received, and
# as many acknowledged as its status shows.
acked_as_status() {
	scrape "$FO_F_ADDR" >"$T/f1.prom" &&
	    [ "$(sample "$T/f1.prom" \
	    'dhcpfo_failover_updates_received_total{primary="branch1"}')" = 200 ] &&
	    [ "$(sample "$T/f1.prom" \
	    'dhcpfo_failover_updates_acked_total{primary="branch1"}')" = \
	    "$(fo_field updates_acked)" ]
}
wait_for 5 acked_as_status ||
    fail "the failover's updates received/acked: $(grep updates_ "$T/f1.prom" | tr '\n' ' ')"
ok "the failover counts the 200 binding updates it received, and their acks"

# A reload cannot move the endpoint (like ControlSocket): it says so,
# and the running one keeps answering.
sed -i "s/^MetricsListen = .*/MetricsListen = $FO_P_ADDR:9648/" "$T/primary.ini"
out=$(pctl reload --json) || fail "reload: $out"
assert "reload: MetricsListen needs a restart" test "$(jq -r .messages <<<"$out")" = \
    "MetricsListen changed; restart to apply it"
assert "the endpoint still answers on port 9647" \
    test "$(http_code "http://$FO_P_ADDR:9647/metrics")" = 200
assert "nothing listens on port 9648" \
    test "$(http_code "http://$FO_P_ADDR:9648/metrics")" = 000
sed -i "s/^MetricsListen = .*/MetricsListen = $FO_P_ADDR:9647/" "$T/primary.ini"

# ---- 2. a real Prometheus server
cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: primary
    static_configs: [ { targets: [ "$FO_P_ADDR:9647" ] } ]
  - job_name: failover
    static_configs: [ { targets: [ "$FO_F_ADDR:9647" ] } ]
EOF
promtool check config "$T/prometheus.yml" >"$T/promtool-config.log" 2>&1 ||
    { cat "$T/promtool-config.log"; fail "prometheus.yml rejected"; }
bg_in "$FO_NS" "$T/prometheus.log" prometheus \
    --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
    --web.listen-address="$PROM" --log.level=warn
PROM_PID=$BG_PID

# promql EXPR: Prometheus's whole answer to an instant query.
promql() {
	nsx "$FO_NS" curl -sf --max-time 5 --get \
	    --data-urlencode "query=$1" "http://$PROM/api/v1/query"
}
# prom_value EXPR: the value of its first series ("" if none).
prom_value() { promql "$1" | jq -r '.data.result[0].value[1] // ""'; }
# prom_is EXPR VALUE: Prometheus answers VALUE for EXPR.
prom_is() { [ "$(prom_value "$1")" = "$2" ]; }

UTIL="dhcpfo_subnet_addresses_in_use{job=\"primary\",name=\"load\"} / dhcpfo_subnet_addresses{job=\"primary\",name=\"load\"}"
want=$(awk -v a="$in_use" -v b="$total" 'BEGIN { printf "%.6f", a / b }')
# shellcheck disable=SC2016
wait_for 25 '[ "$(prom_value "$UTIL" | xargs printf "%.6f")" = "$want" ]' ||
    fail "Prometheus: utilisation of subnet load is '$(prom_value "$UTIL")', not $want (prometheus.log: $(tail -n 3 "$T/prometheus.log"))"
ok "Prometheus: subnet load's utilisation $(prom_value "$UTIL") ($in_use of $total)"
MON='dhcpfo_failover_state{job="failover",primary="branch1",state="monitoring"}'
TAKE='dhcpfo_failover_state{job="failover",primary="branch1",state="takeover"}'
# shellcheck disable=SC2016
wait_for 10 'prom_is "$MON" 1 && prom_is "$TAKE" 0' ||
    fail "Prometheus: branch1 monitoring '$(prom_value "$MON")', takeover '$(prom_value "$TAKE")'"
ok "Prometheus: branch1 is monitoring on the failover"

# ---- 3. the dashboard asks only for what the daemons export
{ awk '$1 == "#" && $2 == "TYPE" { print $3;
	if ($4 == "histogram") { print $3 "_bucket"; print $3 "_sum";
	    print $3 "_count" } }' "$T/p.prom" "$T/f.prom"; } | sort -u \
    >"$T/exported.txt"
# The panels' PromQL, and the variables' queries (Grafana's own syntax).
jq -r '.. | objects | select(has("expr")) | .expr' "$DASH" >"$T/dash-exprs.txt"
jq -r '.templating.list[].definition // empty' "$DASH" >"$T/dash-vars.txt"
cat "$T/dash-exprs.txt" "$T/dash-vars.txt" |
    grep -oE '\b(dhcpfo|process)_[a-z0-9_]+' | sort -u >"$T/dash-names.txt"
missing=$(comm -23 "$T/dash-names.txt" "$T/exported.txt")
assert "the dashboard uses $(wc -l <"$T/dash-names.txt") metric names, all exported${missing:+ (missing: $missing)}" \
    test -z "$missing"
assert "the dashboard has expressions" test "$(wc -l <"$T/dash-names.txt")" -ge 10
bad=""
while IFS= read -r e; do
	q=${e//\$primary/.+}
	q=${q//\$__rate_interval/1m}
	[ "$(promql "$q" | jq -r .status)" = success ] || bad="$bad [$e]"
done <"$T/dash-exprs.txt"
assert "Prometheus accepts every dashboard expression${bad:+:$bad}" test -z "$bad"

# ---- 4. takeover: the state series change
kill -KILL "$P_PID"
wait_for 5 "pid_gone $P_PID" || fail "primary survived SIGKILL"
fo_wait_state takeover 5
# shellcheck disable=SC2016
wait_for 10 'prom_is "$TAKE" 1 && prom_is "$MON" 0' ||
    fail "Prometheus: after kill -9, takeover '$(prom_value "$TAKE")', monitoring '$(prom_value "$MON")'"
ok "Prometheus: branch1's state went from monitoring to takeover"
# shellcheck disable=SC2016
wait_for 10 'prom_is "up{job=\"primary\"}" 0' ||
    fail "Prometheus: the primary's target is not down"
ok "Prometheus: the primary's target is down"
assert "Prometheus: one takeover of branch1 counted" prom_is \
    'dhcpfo_failover_takeovers_total{primary="branch1"}' 1

out=$(load -b "$FO_RELAY" -e "$T/acks1.txt" -r 2000 -w 200 -o "$T/renew.txt" -t 30 -i 2) ||
    fail "renewals during takeover: $out"
say "renewals: $out"
HC='dhcpfo_dhcp_request_duration_seconds_count{primary="branch1"}'
wait_for 5 "[ \"\$(scrape $FO_F_ADDR > '$T/f2.prom' && sample '$T/f2.prom' '$HC')\" -ge 200 ]" ||
    fail "failover: request histogram of branch1 counts $(sample "$T/f2.prom" "$HC")"
ok "the failover's request histogram counts its $(sample "$T/f2.prom" "$HC") replies in takeover"
assert "promtool check metrics passes on the failover in takeover" \
    promtool check metrics <"$T/f2.prom"
age=$(sample "$T/f2.prom" 'dhcpfo_failover_last_reply_age_seconds{primary="branch1"}')
assert "the primary's last answer is $age s old" \
    awk -v a="$age" 'BEGIN { exit !(a > 0.5) }'
stop_pid "$PROM_PID"
pass
