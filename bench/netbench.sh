#!/usr/bin/env bash
# Network benchmark: ftpx beside lftp, rclone, aria2c and wget on the jobs that are bound by round
# trips and per-session limits, over one path that every client shares (issue 11). Not a test: run
# it by hand, as root, on an otherwise idle machine.
#
#   client ns ---- router ns ---- server ns
#   192.0.2.10    192.0.2.1 | 198.51.100.1    198.51.100.10   (documentation ranges only)
#
# The router forwards between the two; for the delayed jobs, iptables REDIRECTs every TCP
# connection the client opens to bench/delay-relay.py in the router, which connects on to the
# original destination (SO_ORIGINAL_DST) and holds each chunk 25 ms each way: a 50 ms round trip
# with no reordering and no rate limit (the kernel here has no netem). The server namespace runs
# the lab's vsftpd twice: port 21 as is, port 2121 with local_max_rate capping each session at
# 4 MB/s. Nothing leaves the namespaces, which are removed at the end, however the run ends.
#
# Jobs, each run by every client available, side by side, printing seconds and the ratio to the
# best client other than ftpx:
#   many   200 files of 8 KiB from port 21 at 50 ms RTT: ftpx `mirror -P 8` when `ftpx mirror`
#          exists, else the shell's `mget *` piped in; lftp `mirror -P 1` and `-P 8`;
#          rclone `copy --transfers 8`; wget `-m`
#   big    one 64 MiB file from port 2121 (4 MB/s a session), no added delay: ftpx one stream,
#          and `get --segments 8` when `ftpx get --help` mentions it; lftp `pget -n 8`;
#          aria2c `-x 8 -s 8 -k 1M` (aria2c splits no piece under 20 MiB by default)
# The single-stream loopback job (ftpx, curl, lftp and a minimal blocking reader) is
# bench/transfer.sh's.
#
# Every copy is checked (diff -r, cmp); a wrong or failed one is shown as such, not timed.
#
# Environment: FTPX=PATH (default: cargo build --release); RUNS=1 (the median is printed);
# JOBS="many big"; DELAY_MS=25 (one way); CLIENTS to limit the rows by name (e.g. "ftpx rclone").
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/lab/lib.sh
. "$repo/tests/lab/lib.sh"

runs=${RUNS:-1}
read -ra jobs <<<"${JOBS:-many big}"
delay_ms=${DELAY_MS:-25}
only=${CLIENTS:-}

if [[ $(id -u) -ne 0 ]]; then
    echo "netbench: needs root (network namespaces, iptables, vsftpd)" >&2
    exit 1
fi

# --- tools ---------------------------------------------------------------------------------------
"$repo/tests/lab/setup.sh" </dev/null >/dev/null || exit 1
need=()
for tool in rclone:rclone aria2c:aria2 lftp:lftp wget:wget iptables:iptables python3:python3; do
    command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
if ((${#need[@]} > 0)); then
    echo "netbench: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || exit 1
fi
ftpx=${FTPX:-}
if [[ -z $ftpx ]]; then
    echo "netbench: cargo build --release" >&2
    (cd "$repo" && cargo build --release --quiet) || exit 1
    ftpx=$repo/target/release/ftpx
fi
has_mirror=0
"$ftpx" mirror --help >/dev/null 2>&1 && has_mirror=1
has_segments=0
"$ftpx" get --help 2>/dev/null | grep -q -- '--segments' && has_segments=1

# --- namespaces ----------------------------------------------------------------------------------
prefix=ftpxbench$$
C=${prefix}c
R=${prefix}r
S=${prefix}s
client_ip=192.0.2.10
server_ip=198.51.100.10
relay_port=9999
lab_init
work=$LAB_TMP/netbench
mkdir -p "$work/home"

cleanup() {
    local ns pids
    for ns in "$C" "$R" "$S"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086 # one pid per word
        [[ -n $pids ]] && kill -TERM $pids 2>/dev/null
    done
    sleep 0.3
    for ns in "$C" "$R" "$S"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    lab_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ns in "$C" "$R" "$S"; do
    ip netns add "$ns" || exit 1
    ip -n "$ns" link set lo up
done
ip -n "$C" link add c0 type veth peer name r0 netns "$R"
ip -n "$R" link add r1 type veth peer name s0 netns "$S"
ip -n "$C" link set c0 up
ip -n "$R" link set r0 up
ip -n "$R" link set r1 up
ip -n "$S" link set s0 up
ip -n "$C" addr add "$client_ip/24" dev c0
ip -n "$R" addr add 192.0.2.1/24 dev r0
ip -n "$R" addr add 198.51.100.1/24 dev r1
ip -n "$S" addr add "$server_ip/24" dev s0
ip -n "$C" route add 198.51.100.0/24 via 192.0.2.1
ip -n "$S" route add 192.0.2.0/24 via 198.51.100.1
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1

# The relay, and the rule that sends the client's connections to it (added per job).
ip netns exec "$R" python3 "$here/delay-relay.py" "$relay_port" "$delay_ms" \
    </dev/null >"$work/relay.log" 2>&1 &
delay_on() {
    ip netns exec "$R" iptables -t nat -A PREROUTING -i r0 -p tcp -j REDIRECT --to-ports "$relay_port"
}
delay_off() {
    ip netns exec "$R" iptables -t nat -F PREROUTING
}

# --- servers -------------------------------------------------------------------------------------
# vsftpd NAME PORT PASV_LO PASV_HI [EXTRA_LINE...]: the lab's vsftpd config on server_ip.
start_vsftpd() {
    local name=$1 port=$2 lo=$3 hi=$4 d i
    shift 4
    d=$LAB_TMP/$name
    mkdir -p "$d/files"
    chmod 755 "$d"
    _lab_vsftpd_conf "$d" "$port" "$lo" "$hi" || return 1
    sed -i "s/^listen_address=.*/listen_address=$server_ip/" "$d/vsftpd.conf"
    # Up to 16 sessions at once from one address (rclone's checkers and transfers).
    printf '%s\n' max_per_ip=0 max_clients=0 "$@" >>"$d/vsftpd.conf"
    local -a cmd
    mapfile -t cmd <"$d/cmd"
    ip netns exec "$S" setsid "${cmd[@]}" </dev/null >"$d/stderr.log" 2>&1 &
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$S" ss -Hltn "( sport = :$port )" | grep -q . && return 0
        sleep 0.1
    done
    echo "netbench: vsftpd on port $port did not start" >&2
    return 1
}
start_vsftpd plain 21 40000 40063 || exit 1
start_vsftpd capped 2121 41000 41063 local_max_rate=4000000 || exit 1

echo "netbench: writing the test files" >&2
tree=$LAB_TMP/plain/files/tree
mkdir -p "$tree"
for ((i = 1; i <= 200; i++)); do
    head -c 8192 /dev/urandom >"$tree/$(printf 'f%03d.bin' "$i")"
done
head -c $((64 * 1024 * 1024)) /dev/urandom >"$LAB_TMP/capped/files/big.bin"
chown -R "$LAB_USER:" "$LAB_TMP/plain/files" "$LAB_TMP/capped/files"

# --- the clients ---------------------------------------------------------------------------------
export HOME=$work/home
: >"$HOME/rclone.conf"
export RCLONE_CONFIG=$HOME/rclone.conf
rclone_pass=$(rclone obscure "$LAB_PASS")
url=ftp://$LAB_USER:$LAB_PASS@$server_ip
lftp_set="set cmd:fail-exit yes; set net:max-retries 1; set ftp:ssl-allow no; set xfer:log no"

# Each job's rows: "LABEL<TAB>command" where command is bash, run in the client namespace with
# $out as the target (a directory for many, a file for big); the variables in it are expanded
# there, hence the single quotes.
# shellcheck disable=SC2016
rows_many() {
    if ((has_mirror)); then
        printf 'ftpx mirror -P 8\t"$ftpx" mirror -q -P 8 "$url/tree/" "$out"\n'
    fi
    printf 'ftpx shell mget *\tmkdir -p "$out" && printf "lcd %%s\\nmget *\\n" "$out" | "$ftpx" -q "$url/tree/"\n'
    printf 'lftp mirror -P 1\tlftp -c "$lftp_set; open $url; mirror -P 1 /tree $out"\n'
    printf 'lftp mirror -P 8\tlftp -c "$lftp_set; open $url; mirror -P 8 /tree $out"\n'
    printf 'rclone copy --transfers 8\trclone copy -q --transfers 8 ":ftp,host=$server_ip,user=$LAB_USER,pass=$rclone_pass:tree" "$out"\n'
    printf 'wget -m\tmkdir -p "$out" && cd "$out" && wget -q -m -nH --cut-dirs=1 "$url/tree/"\n'
}
# shellcheck disable=SC2016
rows_big() {
    local u="$url:2121/big.bin"
    printf 'ftpx get (one stream)\t"$ftpx" get -q "%s" -o "$out"\n' "$u"
    if ((has_segments)); then
        printf 'ftpx get --segments 8\t"$ftpx" get -q --segments 8 "%s" -o "$out"\n' "$u"
    fi
    printf 'lftp pget -n 8\tlftp -c "$lftp_set; open -p 2121 $url; pget -n 8 big.bin -o $out"\n'
    printf 'aria2c -x 8 -s 8 -k 1M\taria2c -q -x 8 -s 8 -k 1M --file-allocation=none -d "${out%%/*}" -o "${out##*/}" "%s"\n' "$u"
}

# check JOB OUT: the copy is complete and byte-exact.
check() {
    case $1 in
        many)
            # wget -m leaves its .listing files; the rest must match exactly.
            rm -f "$2/.listing"
            diff -r -q "$tree" "$2" >/dev/null 2>&1
            ;;
        big) cmp -s "$LAB_TMP/capped/files/big.bin" "$2" ;;
    esac
}

results=$work/results
: >"$results"
for job in "${jobs[@]}"; do
    case $job in
        many) delay_on ;;
        big) delay_off ;;
        *)
            echo "netbench: unknown job $job (many, big)" >&2
            continue
            ;;
    esac
    mapfile -t rows < <("rows_$job")
    for ((run = 1; run <= runs; run++)); do
        for row in "${rows[@]}"; do
            label=${row%%$'\t'*}
            command=${row#*$'\t'}
            [[ -n $only && " $only " != *" ${label%% *} "* ]] && continue
            out=$work/out
            [[ $job == big ]] && out=$work/out/big.bin
            rm -rf "$work/out"
            mkdir -p "$work/out"
            [[ $job == many ]] && rmdir "$work/out"
            echo "netbench: $job run $run: $label" >&2
            t0=$(date +%s%N)
            ip netns exec "$C" env ftpx="$ftpx" url="$url" out="$out" lftp_set="$lftp_set" \
                server_ip="$server_ip" LAB_USER="$LAB_USER" rclone_pass="$rclone_pass" \
                HOME="$HOME" RCLONE_CONFIG="$RCLONE_CONFIG" \
                timeout 300 bash -c "$command" </dev/null >"$work/stdout" 2>"$work/stderr"
            rc=$?
            t1=$(date +%s%N)
            status=ok
            if ((rc != 0)); then
                status="failed (exit $rc: $(tail -n 2 "$work/stderr" | tr '\n' ' ' | cut -c1-120))"
            elif ! check "$job" "$out"; then
                status="wrong copy"
            fi
            printf '%s\t%s\t%s\t%s\n' "$job" "$label" "$(((t1 - t0) / 1000000))" "$status" >>"$results"
        done
    done
done
delay_off

# --- report --------------------------------------------------------------------------------------
echo
echo "ftpx network benchmark: client and server namespaces through a router; median of $runs run(s)"
echo "ftpx: $("$ftpx" --version 2>/dev/null | head -n 1)$( ((has_mirror)) && echo ", mirror")$( ((has_segments)) && echo ", --segments")"
echo "peers: $(lftp --version | head -n 1 | sed -E 's/.*Version ([^ ]+).*/lftp \1/'); $(rclone version | head -n 1); $(aria2c --version | head -n 1); $(wget --version | head -n 1 | cut -d' ' -f1-3)"
echo "server: $(head -n 1 "$LAB_ROOTS/vsftpd/.versions"); $(nproc) cores"
for job in "${jobs[@]}"; do
    echo
    case $job in
        many) echo "200 files of 8 KiB, ${delay_ms} ms each way (RTT $((2 * delay_ms)) ms)" ;;
        big) echo "one 64 MiB file, vsftpd local_max_rate 4 MB/s per session, no added delay" ;;
    esac
    awk -F'\t' -v job="$job" '
        $1 == job { n[$2]++; key = $2 SUBSEP n[$2]; if ($4 == "ok") t[key] = $3 / 1000; else bad[$2] = $4
                    if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
        END {
            for (i = 1; i <= k; i++) {
                l = order[i]; m = 0; c = 0
                for (j = 1; j <= n[l]; j++) if ((l SUBSEP j) in t) v[++c] = t[l SUBSEP j]
                # the median of the successful runs
                for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (v[b] < v[a]) { x = v[a]; v[a] = v[b]; v[b] = x }
                if (c > 0) med[l] = (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
                if (c > 0 && l !~ /^ftpx/ && (best == "" || med[l] < best)) best = med[l]
            }
            printf "  %-28s %9s %14s\n", "client", "seconds", "vs best peer"
            for (i = 1; i <= k; i++) {
                l = order[i]
                if ((l in med) && best > 0) printf "  %-28s %9.2f %13.2fx\n", l, med[l], med[l] / best
                else if (l in med) printf "  %-28s %9.2f %14s\n", l, med[l], "-"
                else printf "  %-28s %9s   %s\n", l, "-", bad[l]
            }
        }' "$results"
done
if grep -qv $'\tok$' "$results"; then
    echo
    echo "some runs failed or gave a wrong copy (shown as -)"
    exit 1
fi
