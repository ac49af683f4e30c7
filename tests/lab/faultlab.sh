#!/usr/bin/env bash
# The fault lab: ftpx get and put through a router that breaks things, against a real vsftpd, one
# fault at a time. Checks the exit status, the words, the resume offsets (vsftpd's log of REST and
# APPE) and byte-exact results, with and without --retry.
#
# Each scenario builds three network namespaces joined by veth pairs,
#
#   client --- router (NAT, and the fault) --- server
#   10.0.1.10   10.0.1.1 | 198.51.100.1        198.51.100.10
#
# starts vsftpd in the server namespace on port 21 (passive range 40000-40015, capped at 8 MB/s a
# session with local_max_rate so that a transfer lasts long enough to break), adds the fault as
# iptables rules in the router, runs ftpx in the client namespace, and removes everything.
#
#   reset-get, reset-put   REJECT --reject-with tcp-reset of the receiver's ACKs once a data
#                          connection has moved 20 MB (connbytes): each new connection breaks
#                          again at 20 MB, so --retry finishes a 64 MiB file in four attempts,
#                          each resumed where the last stopped.
#   reset-mirror           the same rule under `mirror --retry`: the file is resumed from its
#                          .part after each break, byte-exact.
#   reset-segments         the same rule under `get --segments 2 --retry`: each 32 MiB range
#                          breaks at 20 MB and goes on from where it got to.
#   nat-forgets-control    conntrack -D of the control connection while the data flows: the
#                          server's 226 never arrives (a NAT's idle timeout during a long
#                          transfer); ftpx reconnects, checks SIZE and keeps the file.
#   busy                   vsftpd max_clients=1 and another client holding the slot: 421, exit 3;
#                          --retry gets in once the slot is free.
#   stall                  DROP in the data direction after 20 MB: the transfer ends within one
#                          --timeout (ABOR does not get a second one), and --retry resumes it.
#   loss                   2 % of forwarded packets dropped (statistic): completes byte-exact.
#
# Addresses are private and documentation ranges only; the namespaces have no link to the host,
# so nothing leaves them. Prints `ok NAME` / `FAIL NAME (why)` per check, then the totals; exits
# non-zero if anything failed. About two minutes.
#
# Needs root. Usage:
#   sudo tests/lab/faultlab.sh [SCENARIO...]    all scenarios by default
# Environment:
#   FTPX=PATH          an ftpx binary instead of building target/release/ftpx
#   LAB_SKIP_SETUP=1   do not run setup.sh
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

all_scenarios=(reset-get reset-put reset-mirror reset-segments nat-forgets-control busy stall loss)
if (($# > 0)); then scenarios=("$@"); else scenarios=("${all_scenarios[@]}"); fi

# 64 MiB, broken at 20 MB: the sizes the issue measured.
SIZE_MB=64
BREAK_AT=20000000
# vsftpd's cap per session, bytes per second.
RATE=8000000

lab_need_root faultlab "network namespaces, iptables, a server that switches users"
lab_tools faultlab iptables:iptables conntrack:conntrack ip:iproute2 jq:jq
lab_setup >/dev/null
lab_ftpx faultlab

prefix="ftpxflt$$"
C=${prefix}c
R=${prefix}r
S=${prefix}s
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ftpx-faultlab.XXXXXX")
chmod 755 "$scratch"

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    lab_ns_teardown
    lab_cleanup
    [[ ${FAULTLAB_KEEP:-} == 1 ]] || rm -rf "$scratch"
    lab_ns_left faultlab "$prefix"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

topology() {
    local ns
    lab_ns_teardown
    for ns in "$C" "$R" "$S"; do
        ip netns add "$ns" || return 1
        LAB_NS+=("$ns")
        ip -n "$ns" link set lo up
    done
    ip -n "$C" link add c0 type veth peer name r0 netns "$R" &&
        ip -n "$R" link add r1 type veth peer name s0 netns "$S" || return 1
    ip -n "$C" link set c0 up && ip -n "$R" link set r0 up && ip -n "$R" link set r1 up && ip -n "$S" link set s0 up
    ip -n "$C" addr add 10.0.1.10/24 dev c0
    ip -n "$R" addr add 10.0.1.1/24 dev r0
    ip -n "$R" addr add 198.51.100.1/24 dev r1
    ip -n "$S" addr add 198.51.100.10/24 dev s0
    ip -n "$C" route add 198.51.100.0/24 via 10.0.1.1
    in_ns "$R" sysctl -qw net.ipv4.ip_forward=1
    # The client's LAN behind the router's address, as at home or in a CI runner's VPC.
    in_ns "$R" iptables -t nat -A POSTROUTING -o r1 -s 10.0.1.0/24 -j MASQUERADE
}

# start_server NAME [EXTRA-VSFTPD-LINE...]: vsftpd on 198.51.100.10:21 serving big.bin.
start_server() {
    local name=$1 d i
    shift
    lab_init
    d=$LAB_TMP/faultlab-$name
    rm -rf "$d"
    mkdir -p "$d/files"
    chmod 755 "$d"
    ln "$scratch/big.bin" "$d/files/big.bin" 2>/dev/null || cp "$scratch/big.bin" "$d/files/big.bin"
    chown -R "$LAB_USER:" "$d/files"
    _lab_vsftpd_conf "$d" 21 40000 40015 || return 1
    sed -i "s/^listen_address=.*/listen_address=198.51.100.10/" "$d/vsftpd.conf"
    printf '%s\n' "local_max_rate=$RATE" "$@" >>"$d/vsftpd.conf"
    lab_ns_listen "$S" "$d" "faultlab: vsftpd" "faultlab-$name"
}

url="ftp://$LAB_USER@198.51.100.10"

# in_client TRACE ARGS...: ftpx ARGS in the client namespace, in $work (its HOME too), with a
# --trace to $work/TRACE unless TRACE is empty; the password from FTPX_PASSWORD. Sets code, ms and
# out (stderr); stdout goes to $work/stdout.
in_client() {
    local trace=$1 start
    shift
    local -a traced=()
    [[ -n $trace ]] && traced=(--trace "$work/$trace")
    start=$(date +%s%N)
    (cd "$work" && in_ns "$C" env -i HOME="$work" PATH="$PATH" NO_COLOR=1 FTPX_PASSWORD="$LAB_PASS" \
        "$ftpx" "${traced[@]}" "$@" >"$work/stdout" 2>"$work/stderr")
    code=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    out=$(cat "$work/stderr")
}

# client NAME ARGS...: in_client in a fresh directory $work, traced to trace.1.
client() {
    work=$scratch/$1
    shift
    rm -rf "$work"
    mkdir -p "$work"
    in_client trace.1 "$@"
}

# again NAME ARGS...: like client, in the same $work (to resume what is there), traced to trace.2.
again() {
    shift
    in_client trace.2 "$@"
}

# again_as_printed NAME ARGS...: like again, without adding a --trace.
again_as_printed() {
    shift
    in_client "" "$@"
}

# expect NAME CONDITION-TEXT TEST...: ok when the test command succeeds.
problems=()
want() {
    local what=$1
    shift
    "$@" || problems+=("$what")
}
# shellcheck disable=SC2317 # called through want
contains() { [[ $out == *"$1"* ]]; }
# shellcheck disable=SC2317
same() { cmp -s "$1" "$2"; }
verdict() {
    local name=$1
    if ((${#problems[@]} > 0)); then
        local IFS=';'
        fail "$name" "${problems[*]}; exit $code in $ms ms; stderr: $(tail -c 600 <<<"$out" | tr '\n' ' ')"
    else
        ok "$name ($ms ms)"
    fi
    problems=()
}
# The REST offsets (or APPE) vsftpd was sent, from its protocol log.
server_log() { grep -ho '"\(REST\|APPE\|STOR\|RETR\) [^"]*"' "$server_dir/vsftpd.log" 2>/dev/null | tr -d '"'; }
rest_count() { server_log | grep -c '^REST '; }

# reset_after_bytes: once a data connection has moved BREAK_AT bytes, the receiving side's next
# ACK (a packet of at most 80 bytes: no payload) is answered with a tcp-reset, so the receiver's
# socket is gone at once; the sender's next segment then meets it and is reset by the receiver's
# kernel. Both ends see a reset, as behind a firewall that kills the connection, and the server
# (vsftpd) is not left holding an upload's file lock for its 5-minute data timeout.
reset_after_bytes() {
    # Not the resets themselves: the receiver's kernel must be able to tell the sender.
    in_ns "$R" iptables -A FORWARD -p tcp ! --tcp-flags RST RST -m multiport --ports 40000:40015 -m length --length 0:80 \
        -m connbytes --connbytes "$BREAK_AT": --connbytes-dir both --connbytes-mode bytes \
        -j REJECT --reject-with tcp-reset
}

scenario() {
    local name=$1 holder forget
    case $name in
        reset-get)
            topology && start_server "$name" && reset_after_bytes || return 1
            client "$name-no-retry" --timeout 5 get "$url/big.bin"
            want "exit $code, not 11" test "$code" = 11
            want "no 'reset after N of 67,108,864 bytes'" contains "of 67,108,864 bytes"
            want "not worded as a break" contains "the data connection was reset after"
            want "no resume command" contains "get -c ftp://$LAB_USER@198.51.100.10/big.bin"
            want "no .part kept" test -s "$work/big.bin.part"
            verdict "$name: a reset at 20 MB exits 11 and says how far it got"
            # The hint's command, as printed; the router breaks this one too (at 20 MB more).
            local resume
            # shellcheck disable=SC2016 # backquotes, literally
            resume=$(grep -o '`[^`]*`' <<<"$out" | head -1 | tr -d '`')
            # shellcheck disable=SC2086 # the printed command, split as a shell would (it has our --trace)
            again_as_printed "$name" ${resume#ftpx } --retry 5 --retry-delay 0.2
            want "exit $code after resuming" test "$code" = 0
            want "not byte-exact" same "$work/big.bin" "$scratch/big.bin"
            want "no REST at the .part's size" test "$(rest_count)" -ge 1
            verdict "$name: the printed resume command with --retry finishes it byte-exact"

            topology && start_server "$name-retry" && reset_after_bytes || return 1
            client "$name-retry" --timeout 5 get --retry 5 --retry-delay 0.2 "$url/big.bin"
            want "exit $code" test "$code" = 0
            want "not byte-exact" same "$work/big.bin" "$scratch/big.bin"
            want "$(rest_count) RESTs, not 3 (one per break)" test "$(rest_count)" = 3
            want "no retry lines" contains "ftpx: retry 3 of 5"
            # A download into a file over plain TCP goes by splice(2) (FTPX_SENDFILE=auto).
            want "not by splice" grep -q "by splice" "$work/trace.1"
            verdict "$name: --retry 5 resumes by splice after each of three resets, byte-exact"
            ;;
        reset-put)
            topology && start_server "$name" && reset_after_bytes || return 1
            client "$name" --timeout 5 put "$scratch/big.bin" "$url/up.bin"
            want "exit $code, not 11" test "$code" = 11
            want "worded as a refusal" eval '! contains refused'
            want "no put -c command" contains "put -c"
            verdict "$name: a reset mid-upload exits 11, not 5"
            again "$name" --timeout 5 put --retry 5 --retry-delay 0.2 -c "$scratch/big.bin" "$url/up.bin"
            want "exit $code" test "$code" = 0
            want "not byte-exact on the server" same "$server_dir/files/up.bin" "$scratch/big.bin"
            want "no APPE" eval 'server_log | grep -q "^APPE "'
            # To another host, an upload of a file goes by sendfile(2) (FTPX_SENDFILE=auto).
            want "not by sendfile" grep -q "by sendfile" "$work/trace.2"
            verdict "$name: put -c --retry appends the rest by sendfile, byte-exact"
            ;;
        reset-mirror)
            topology && start_server "$name" && reset_after_bytes || return 1
            client "$name" --timeout 5 mirror -P 1 --retry 5 --retry-delay 0.2 "$url/" copy
            want "exit $code" test "$code" = 0
            want "not byte-exact" same "$work/copy/big.bin" "$scratch/big.bin"
            want "$(rest_count) RESTs, not 3 (one per break)" test "$(rest_count)" = 3
            want "no retry lines naming the file" contains "ftpx: big.bin: retry 3 of 5"
            want "no retry event in the transcript" grep -q "big.bin: retry 1 of 5" "$work/trace.1"
            verdict "$name: mirror --retry resumes the file from its .part after each reset, byte-exact"
            ;;
        reset-segments)
            topology && start_server "$name" && reset_after_bytes || return 1
            client "$name" --timeout 5 get --segments 2 --retry 5 --retry-delay 0.2 "$url/big.bin"
            want "exit $code" test "$code" = 0
            want "not byte-exact" same "$work/big.bin" "$scratch/big.bin"
            # The second range's start once, a resume inside each broken range, and maybe a split
            # (an idle session taking over the far part of a range): never a range from its start
            # again, nor anything from byte 0 but the first RETR.
            want "$(rest_count) RESTs, fewer than 3" test "$(rest_count)" -ge 3
            want "the second range started more than once" test "$(server_log | grep -c '^REST 33554432$')" = 1
            want "a RETR without REST after the first" test "$(server_log | grep -c '^RETR ')" = "$(($(rest_count) + 1))"
            want "no retry lines naming the range" contains ": retry 1 of 5"
            want "segment state left" test ! -e "$work/big.bin.part.segments"
            verdict "$name: get --segments --retry resumes each range where it broke, byte-exact"
            ;;
        nat-forgets-control)
            topology && start_server "$name" || return 1
            # Deleted while the data flows (8 s at 8 MB/s): the control connection's NAT mapping goes,
            # and with it the server's 226. The data connection's mappings (ports 40000+) stay.
            (
                sleep 2
                in_ns "$R" conntrack -D -p tcp --orig-port-dst 21 >/dev/null 2>&1
            ) &
            forget=$!
            client "$name" --timeout 5 get "$url/big.bin"
            wait "$forget"
            want "exit $code" test "$code" = 0
            want "not byte-exact" same "$work/big.bin" "$scratch/big.bin"
            want "no warning naming a NAT" contains "NAT or firewall idle timeout"
            want "fetched twice" test "$(server_log | grep -c '^RETR ')" = 1
            want "took $ms ms" test "$ms" -lt 20000
            verdict "$name: the lost 226 is confirmed by SIZE after a reconnection"
            ;;
        busy)
            topology && start_server "$name" max_clients=1 || return 1
            # Another client holds the only slot for 3 s.
            in_ns "$C" bash -c 'exec 3<>/dev/tcp/198.51.100.10/21; sleep 3' &
            holder=$!
            sleep 0.5
            client "$name" --timeout 5 get "$url/big.bin"
            want "exit $code, not 3" test "$code" = 3
            want "no busy message" contains "the server is busy"
            want "no hint" contains "ftpx: hint: the server has too many connections"
            verdict "$name: 421 at connect exits 3 as busy"
            again "$name" --timeout 5 get --retry 4 --retry-delay 1 "$url/big.bin"
            wait "$holder"
            want "exit $code" test "$code" = 0
            want "not byte-exact" same "$work/big.bin" "$scratch/big.bin"
            want "no retry line" contains "ftpx: retry 1 of 4"
            verdict "$name: --retry gets in once the slot is free"
            ;;
        stall)
            topology && start_server "$name" || return 1
            in_ns "$R" iptables -A FORWARD -p tcp --sport 40000:40015 \
                -m connbytes --connbytes "$BREAK_AT": --connbytes-dir reply --connbytes-mode bytes -j DROP
            client "$name" --timeout 3 get "$url/big.bin"
            want "exit $code, not 11" test "$code" = 11
            want "not a stall" contains "the data connection stalled after"
            # 20 MB at 8 MB/s (2.5 s), one 3 s timeout and ABOR's 0.3 s grace: not 3 s more for ABOR (8.5 s).
            want "took $ms ms" test "$ms" -lt 7500
            verdict "$name: a stall ends within one timeout"
            again "$name" --timeout 3 get -c --retry 5 --retry-delay 0.2 "$url/big.bin"
            want "exit $code" test "$code" = 0
            want "not byte-exact" same "$work/big.bin" "$scratch/big.bin"
            verdict "$name: --retry resumes after each stall, byte-exact"
            ;;
        loss)
            topology && start_server "$name" || return 1
            in_ns "$R" iptables -A FORWARD -m statistic --mode random --probability 0.02 -j DROP
            client "$name" --timeout 10 get "$url/big.bin"
            want "exit $code" test "$code" = 0
            want "not byte-exact" same "$work/big.bin" "$scratch/big.bin"
            verdict "$name: 2 % packet loss, byte-exact"
            ;;
        *)
            fail "$name" "no such scenario (known: ${all_scenarios[*]})"
            ;;
    esac
}

head -c $((SIZE_MB << 20)) /dev/urandom >"$scratch/big.bin"
chmod 644 "$scratch/big.bin"
for name in "${scenarios[@]}"; do
    if ! scenario "$name"; then
        fail "$name" "could not build the scenario"
        if [[ -n ${server_dir:-} ]]; then lab_show_logs "${server_dir##*/}" >&2; fi
    fi
    server_dir=
    lab_ns_teardown
done
finish
