#!/bin/bash
# Who may use the control sockets, and what a flood of connections does
# (docs/control.md "Who may connect", "Limits"): a user outside the
# socket's group is refused, by the file mode and by the daemon itself;
# a member of ReadOnlyGroup reads on ControlSocketReadOnly but cannot
# take over; a change is audited once; 300 idle connections leave the
# primary serving DHCP at low CPU; out of descriptors (a low soft
# RLIMIT_NOFILE) it neither spins nor stops serving.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/fo_lib.sh"
e2e_init
fo_require
require_cmd python3 setpriv prlimit
getent group nogroup >/dev/null || skip "no group nogroup"

FO_EXTRA_SERVER="ControlSocketReadOnly = $T/f/ro.sock
ReadOnlyGroup = nogroup"
fo_up
# nobody must reach the sockets and run the client: only the sockets'
# own mode and the daemon stand in its way.
chmod 0755 "$T" "$T/p" "$T/f"
install -m 0755 "$BUILD/dhcpfoctl" "$T/dhcpfoctl"
OUTSIDER=(setpriv --reuid=65534 --regid=12345 --clear-groups)
READER=(setpriv --reuid=65534 --regid=12345 --groups=65534)

# ---- a user outside the group
out=$("${OUTSIDER[@]}" "$T/dhcpfoctl" -s "$T/f/ctl.sock" status 2>&1) &&
    fail "outsider ran status: $out"
grep -q "Permission denied" <<<"$out" || fail "outsider: $out"
ok "outsider stopped by the socket's mode"
chmod 0666 "$T/f/ctl.sock"
out=$("${OUTSIDER[@]}" "$T/dhcpfoctl" -s "$T/f/ctl.sock" status 2>&1) &&
    fail "outsider ran status on a widened socket: $out"
grep -q "uid 65534 may not use this control socket" <<<"$out" ||
    fail "outsider on a widened socket: $out"
ok "outsider refused by the daemon on a socket anyone may open"
chmod 0660 "$T/f/ctl.sock"
assert "the refusal is counted" \
    test "$(fctl status --json | jq -r .counters.ctl_refused_peers)" = 1
grep -q "refused uid 65534" "$T/failover-$F_STARTS.log" ||
    fail "no log line for the refusal"

# ---- the read-only socket
assert "ro.sock is the read-only group's" \
    test "$(stat -c %a:%G "$T/f/ro.sock")" = 660:nogroup
"${READER[@]}" "$T/dhcpfoctl" -s "$T/f/ro.sock" status --json |
    jq -e .primaries >/dev/null || fail "reader: status"
"${READER[@]}" "$T/dhcpfoctl" -s "$T/f/ro.sock" leases >/dev/null ||
    fail "reader: leases"
ok "a member of ReadOnlyGroup runs status and leases"
out=$("${READER[@]}" "$T/dhcpfoctl" -s "$T/f/ro.sock" takeover branch1 2>&1) &&
    fail "reader took over: $out"
grep -q "read-only; use $T/f/ctl.sock" <<<"$out" || fail "reader: $out"
ok "but not takeover: $out"
out=$("${READER[@]}" "$T/dhcpfoctl" -s "$T/f/ctl.sock" status 2>&1) &&
    fail "reader used the admin socket: $out"
ok "nor the admin socket"
assert "the failover stays monitoring" test "$(fo_state)" = monitoring
grep -q "control: .*takeover" "$T/failover-$F_STARTS.log" &&
    fail "a refused takeover was audited"
fctl reload >/dev/null || fail "reload"
grep -q "info: control: uid 0 pid [0-9]*: reload$" \
    "$T/failover-$F_STARTS.log" || fail "no audit line for reload"
ok "a change is audited with uid and pid"

# ---- idle connections and descriptors, on the primary
cat >"$T/hold.py" <<'PY'
# hold.py PATH N SECS OUT: open connections to PATH, keeping the latest
# N, for SECS seconds (or until N are open), write how many connects
# succeeded to OUT, then hold them until killed.
import signal, socket, sys, time
path, n, secs, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
end = time.monotonic() + secs
held, made = [], 0
while len(held) < n or time.monotonic() < end:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect(path)
        held.append(s)
        made += 1
    except OSError:
        s.close()
    if len(held) > n:
        held.pop(0).close()
with open(out + ".tmp", "w") as f:
    f.write("%d\n" % made)
import os
os.rename(out + ".tmp", out)
signal.pause()
PY
cpu_ticks() { echo $(( $(proc_stat "$1" 12) + $(proc_stat "$1" 13) )); }

# cpu_pct PID MS0 TICKS0: CPU of PID since (MS0, TICKS0), in percent of
# one CPU (clock ticks are 1/100 s).
cpu_pct() {
	echo $(( ($(cpu_ticks "$1") - $3) * 10 * 100 / ($(now_ms) - $2) ))
}

# hold N SECS: hold.py in the background until it has connected.
hold() {
	rm -f "$T/held"
	bg_in "$FO_NS" "$T/hold.log" python3 "$T/hold.py" "$T/p/ctl.sock" \
	    "$1" "$2" "$T/held"
	HOLD_PID=$BG_PID
	wait_for $(( ${2%.*} + 20 )) "[ -s '$T/held' ]" || fail "hold.py stuck"
}

hold 300 0
say "$(cat "$T/held") idle connections open"
t0=$(now_ms); c0=$(cpu_ticks "$P_PID")
out=$(load -b "$FO_RELAY" -n 200 -r 200 -w 100 -o "$T/acks1.txt" -t 30 -i 2) ||
    fail "clients beside 300 idle connections: $out"
wait_for 5 "[ \$(now_ms) -ge $((t0 + 3000)) ]"
pct=$(cpu_pct "$P_PID" "$t0" "$c0")
say "primary CPU with 300 idle connections and 200 clients: $pct%"
[ "$pct" -lt 20 ] || fail "primary at $pct% CPU"
ok "DHCP served at $pct% CPU beside 300 idle connections"
wait_for 15 "[ \"\$(pctl status --json | jq -r .counters.ctl_busy)\" -gt 0 ]" ||
    fail "connections beyond the cap not counted"
ok "beyond 16 refused ($(pctl status --json | jq -r .counters.ctl_busy)), status answers again once idle ones time out"
stop_pid "$HOLD_PID"

# Room for 4 more descriptors, then a stream of connections.
nfd=$(ls "/proc/$P_PID/fd" | wc -l)
prlimit --pid "$P_PID" --nofile=$((nfd + 4)): || fail "prlimit"
t0=$(now_ms); c0=$(cpu_ticks "$P_PID")
hold 300 3
pct=$(cpu_pct "$P_PID" "$t0" "$c0")
say "primary CPU out of descriptors, $(cat "$T/held") connects in 3 s: $pct%"
[ "$pct" -lt 20 ] || fail "primary at $pct% CPU out of descriptors"
ok "no spin out of descriptors ($pct% CPU)"
stop_pid "$HOLD_PID"
wait_for 10 "pctl status >/dev/null" || fail "status after the flood"
pauses=$(pctl status --json | jq -r .counters.ctl_fd_pauses)
[ "$pauses" -gt 0 ] || fail "no descriptor pause counted"
lines=$(grep -c "Too many open files" "$T/primary-$P_STARTS.log")
say "$pauses pauses, $lines log lines"
[ "$lines" -le 2 ] || fail "$lines log lines about descriptors"
ok "pauses counted ($pauses), $lines log line(s)"
out=$(load -b "$FO_RELAY" -n 100 -r 2000 -w 100 -o "$T/acks2.txt" -t 30 -i 2) ||
    fail "clients after the flood: $out"
ok "DHCP and dhcpfoctl work after the flood"
pass
