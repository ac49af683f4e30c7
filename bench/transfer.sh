#!/usr/bin/env bash
# Transfer benchmark: ftpx against curl and lftp, downloading and uploading one large random file
# through a local vsftpd (started with the lab's functions, tests/lab/lib.sh). Not a test: run it
# by hand, as root, on an otherwise idle machine.
#
#   bench/transfer.sh                      # 1 GiB, 5 runs of each
#   SIZE_MB=256 RUNS=3 bench/transfer.sh
#
# Times each command with GNU time (wall, user+sys CPU, peak RSS), the clients taking turns within
# each round (each round starting with the next client) so that drift in the machine's speed falls
# on all of them alike, and prints the median of each with the ratios ftpx/curl, ftpx/lftp and
# ftpx/min(curl, lftp). Then times ftpx getting a
# 1 MiB file, whose peak RSS should equal the large file's: memory must not grow with the file
# (the target is under 16 MiB for both). Downloads are also timed with bench/minreader.c
# ("reader"), a minimal blocking client with 1 MiB reads, compiled here with cc: the floor that a
# single-stream get is measured against (issue 11); and by "ftpx-rw", ftpx with FTPX_SENDFILE=never,
# which reads every byte into ftpx and writes it out (by default a download into a file goes by
# splice(2), socket to pipe to file).
#
# Downloads go to a real file on disk, are removed after each run, and a `sync` separates runs so
# that one run's write-back is not charged to the next. Each client's first download and upload is
# compared with cmp. Everything lives in one temp dir, removed at the end, HOME included (so no
# client reads or writes a dotfile of yours).
#
# Environment: SIZE_MB (1024), RUNS (5), PIN (1: server and clients on CPUs of their own; 0: not),
# FTPX=PATH (default: cargo build --release, then target/release/ftpx), BENCH_CLIENTS="ftpx ftpx-rw curl lftp reader" (which clients to run;
# ftpx-rw and the reader only download).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../tests/lab/lib.sh
. "$repo/tests/lab/lib.sh"

size_mb=${SIZE_MB:-1024}
runs=${RUNS:-5}
read -ra clients <<<"${BENCH_CLIENTS:-ftpx ftpx-rw curl lftp reader}"

if [[ $(id -u) -ne 0 ]]; then
    echo "transfer.sh: needs root (it starts vsftpd with the lab's setup)" >&2
    exit 1
fi
"$repo/tests/lab/setup.sh" </dev/null >/dev/null

ftpx=${FTPX:-}
if [[ -z $ftpx ]]; then
    echo "bench: cargo build --release" >&2
    (cd "$repo" && cargo build --release --quiet)
    ftpx=$repo/target/release/ftpx
fi

lab_init
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
lab_start vsftpd
# With PIN=1 (the default on two or more cores) the server runs on CPU 0 and each client on CPU 1:
# where the scheduler puts a blocking reader beside a sendfile sender otherwise moved one client's
# time by 2-5x from run to run on the development machine.
pin=()
if [[ ${PIN:-1} == 1 ]] && (($(nproc) >= 2)); then
    for pid in ${LAB_PID[vsftpd]} $(_lab_descendants "${LAB_PID[vsftpd]}"); do
        taskset -a -cp 0 "$pid" >/dev/null
    done
    pin=(taskset -c 1)
fi
url=$(lab_url vsftpd)
files=$(lab_files vsftpd)
host=127.0.0.1
port=${LAB_PORT[vsftpd]}

work=$LAB_TMP/bench
mkdir -p "$work/home"
reader=$work/minreader
if [[ " ${clients[*]} " == *" reader "* ]]; then
    cc -O2 -o "$reader" "$here/minreader.c" || exit 1
fi
export HOME=$work/home
results=$work/results

echo "bench: writing ${size_mb} MiB of random data" >&2
big=$work/big.bin
small=$work/small.bin
head -c "$((size_mb * 1024 * 1024))" /dev/urandom >"$big"
head -c $((1024 * 1024)) /dev/urandom >"$small"
chmod 644 "$big" "$small"
# The server serves the very same inodes; vsftpd reads them as the lab user.
ln "$big" "$files/big.bin"
ln "$small" "$files/small.bin"

lftp_settings="set cmd:fail-exit yes; set net:max-retries 1; set ftp:ssl-allow no; set xfer:log no"
lftp_open="open -u $LAB_USER,$LAB_PASS -p $port $host"

# command_for OP CLIENT REMOTE LOCAL: prints the command, one argument per line.
# get: REMOTE (a name in the login dir) to LOCAL; put: LOCAL to REMOTE.
command_for() {
    local op=$1 client=$2 remote=$3 local=$4
    case $op/$client in
        get/ftpx) printf '%s\n' "$ftpx" get -q "$url/$remote" -o "$local" ;;
        get/ftpx-rw) printf '%s\n' env FTPX_SENDFILE=never "$ftpx" get -q "$url/$remote" -o "$local" ;;
        get/curl) printf '%s\n' curl -q -sS -o "$local" "$url/$remote" ;;
        get/lftp) printf '%s\n' lftp -c "$lftp_settings; $lftp_open; get $remote -o $local" ;;
        get/reader) printf '%s\n' "$reader" "$host" "$port" "$LAB_USER" "$LAB_PASS" "$remote" "$local" ;;
        put/ftpx) printf '%s\n' "$ftpx" put -q "$local" "$url/$remote" ;;
        put/curl) printf '%s\n' curl -q -sS -T "$local" "$url/$remote" ;;
        put/lftp) printf '%s\n' lftp -c "$lftp_settings; $lftp_open; put $local -o $remote" ;;
    esac
}

failures=0
# A client whose first copy was wrong has all its runs of that kind left out: only the first is
# compared, so the later ones prove nothing.
declare -A wrong=()
# measure OP CLIENT RUN LABEL REMOTE LOCAL: one timed run, appended to $results as
# "LABEL CLIENT wall cpu rss_kib status".
measure() {
    local op=$1 client=$2 run=$3 label=$4 remote=$5 local=$6 status=ok
    local -a cmd
    mapfile -t cmd < <(command_for "$op" "$client" "$remote" "$local")
    if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" "${pin[@]}" timeout 600 "${cmd[@]}" \
        </dev/null >"$work/out" 2>"$work/err"; then
        status=failed
        echo "bench: $label $client run $run failed: $(tail -n 3 "$work/err" | tr '\n' ' ')" >&2
    fi
    # Compare the first transfer of each client with the source, byte for byte.
    if [[ $status == ok && $run == 1 ]]; then
        local src=$big copy=$local
        [[ $label == get-1MiB ]] && src=$small
        [[ $op == put ]] && copy=$files/$remote
        if ! cmp -s "$src" "$copy"; then
            status=corrupt
            wrong[$label/$client]=1
            echo "bench: $label $client run $run: the copy differs from the source" >&2
        fi
    fi
    if [[ $status == ok && -n ${wrong[$label/$client]:-} ]]; then
        status=unverified
    fi
    [[ $status == ok ]] || failures=$((failures + 1))
    # GNU time prints a "Command exited with non-zero status" line first when the command fails.
    tail -n 1 "$work/time" | awk -v l="$label" -v c="$client" -v s="$status" \
        '{ printf "%s %s %s %.2f %s %s\n", l, c, $1, $2 + $3, $4, s }' >>"$results"
    if [[ $op == get ]]; then
        rm -f "$local"
    else
        rm -f "$files/$remote"
    fi
    sync
}

: >"$results"
for ((run = 1; run <= runs; run++)); do
    echo "bench: round $run of $runs" >&2
    # Each round starts with the next client, so that none always goes first (right after the
    # last round's uploads and their write-back) or last.
    turn=$(((run - 1) % ${#clients[@]}))
    order=("${clients[@]:turn}" "${clients[@]:0:turn}")
    for client in "${order[@]}"; do
        measure get "$client" "$run" get big.bin "$work/download.bin"
    done
    for client in "${order[@]}"; do
        [[ $client == reader || $client == ftpx-rw ]] && continue
        measure put "$client" "$run" put "up-$client.bin" "$big"
    done
    measure get ftpx "$run" get-1MiB small.bin "$work/download.bin"
done

# --- report -------------------------------------------------------------------------------------
# median LABEL CLIENT FIELD (3 wall, 4 cpu, 5 rss KiB): the median over successful runs, or "-".
median() {
    awk -v l="$1" -v c="$2" -v f="$3" '$1 == l && $2 == c && $6 == "ok" { print $f }' "$results" |
        sort -g | awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "-"; exit }
            if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'
}
minimum() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "-") print b; else if (b == "-") print a; else print (a < b ? a : b) }'
}

echo
echo "ftpx transfer benchmark: $size_mb MiB over loopback from vsftpd, median of $runs runs"
echo "ftpx: $ftpx; $(curl --version | head -n 1 | cut -d' ' -f1-2); $(lftp --version | head -n 1 | sed -E 's/.*Version ([^ ]+).*/lftp \1/')"
placement="not pinned"
((${#pin[@]} > 0)) && placement="server on CPU 0, clients on CPU 1"
echo "server: $(lab_server_versions | head -n 1); $(nproc) cores ($placement); disk: ${TMPDIR:-/tmp}"
echo
printf '%-8s %-8s %10s %10s %10s %10s\n' op client "wall s" "cpu s" "rss MiB" "MiB/s"
for label in get put get-1MiB; do
    for client in "${clients[@]}"; do
        [[ $label == get-1MiB && $client != ftpx ]] && continue
        [[ $label == put && ($client == reader || $client == ftpx-rw) ]] && continue
        w=$(median "$label" "$client" 3)
        c=$(median "$label" "$client" 4)
        r=$(median "$label" "$client" 5)
        mb=$size_mb
        [[ $label == get-1MiB ]] && mb=1
        awk -v l="$label" -v cl="$client" -v w="$w" -v c="$c" -v r="$r" -v mb="$mb" 'BEGIN {
            rate = (w == "-" || w == 0) ? "-" : sprintf("%.0f", mb / w)
            rss = (r == "-") ? "-" : sprintf("%.1f", r / 1024)
            printf "%-8s %-8s %10s %10s %10s %10s\n", l, cl, w, c, rss, rate }'
    done
done

echo
printf '%-8s %-8s %12s %12s %20s\n' op measure ftpx/curl ftpx/lftp "ftpx/min(curl,lftp)"
for label in get put; do
    for field in 3:wall 4:cpu 5:rss; do
        f=${field%%:*}
        fx=$(median "$label" ftpx "$f")
        cu=$(median "$label" curl "$f")
        lf=$(median "$label" lftp "$f")
        printf '%-8s %-8s %12s %12s %20s\n' "$label" "${field#*:}" "$(ratio "$fx" "$cu")" \
            "$(ratio "$fx" "$lf")" "$(ratio "$fx" "$(minimum "$cu" "$lf")")"
    done
done

if [[ " ${clients[*]} " == *" reader "* ]]; then
    printf '%-8s %-8s %12s %15s\n' get wall/cpu "ftpx/reader" "ftpx-rw/reader"
    for field in 3:wall 4:cpu; do
        f=${field%%:*}
        printf '%-8s %-8s %12s %15s\n' get "${field#*:}" "$(ratio "$(median get ftpx "$f")" "$(median get reader "$f")")" \
            "$(ratio "$(median get ftpx-rw "$f")" "$(median get reader "$f")")"
    done
fi

echo
big_rss=$(median get ftpx 5)
small_rss=$(median get-1MiB ftpx 5)
awk -v b="$big_rss" -v s="$small_rss" -v mb="$size_mb" 'BEGIN {
    if (b == "-" || s == "-") { print "ftpx peak RSS: no successful run to judge"; exit }
    # "The same" allows 1 MiB of noise between the two medians.
    why = ""
    if (b > 16384 || s > 16384) why = why ", over 16 MiB"
    if (b - s > 1024) why = why sprintf(", %.1f MiB more for the large file", (b - s) / 1024)
    verdict = (why == "") ? "meets the target" : "misses the target" why
    printf "ftpx peak RSS: %.1f MiB for 1 MiB, %.1f MiB for %d MiB: %s (the same, under 16 MiB)\n",
        s / 1024, b / 1024, mb, verdict }'

if ((failures > 0)); then
    echo "$failures run(s) failed or gave a wrong copy, and are left out of the medians"
    exit 1
fi
