#!/usr/bin/env bash
# ftpx serve against real clients: curl and lftp, in each of the four data-connection modes
# (EPSV, PASV, EPRT, PORT), in plain FTP, explicit FTPS (AUTH TLS) and implicit FTPS.
#
# One `ftpx serve --write --login` on 127.0.0.1 (and one on ::1 for lftp's EPRT, which lftp sends
# only over IPv6), with the lab CA's certificate (--cert/--key) so the clients verify it; implicit
# FTPS goes to each server's implicit port (printed at start), the rest to its FTP port. For each
# client, security and mode: get a random file (cmp with the served copy), put it under a new
# name (cmp with what the server stored), and prove from the client's transcript that the mode
# asked for carried the data (neither client may fall back silently). Then, once: the server
# refused nothing it should have served (its log has no "refused"), and curl speaking implicit
# FTPS to the plain FTP port fails at once (the greeting is not held back to wait for TLS).
#
# Known client limits, reported as skips: curl 7.x cannot do active FTPS (it never starts TLS on
# an active data connection; tests/lab/run.sh skips it against every server too).
#
# Prints `ok NAME` or `FAIL NAME (details)` per check, then `N passed, N failed`; exits non-zero if
# anything failed. Needs root for setup.sh (curl, lftp, openssl); with LAB_SKIP_SETUP=1 and those
# installed it runs as any user.
#   sudo tests/lab/serve.sh
# Environment: FTPX=PATH (a binary instead of building target/release/ftpx), LAB_SIZE_MB=10,
# LAB_MODES="epsv pasv eprt port", LAB_CLIENTS="curl lftp", LAB_SKIP_SETUP=1, LAB_KEEP=1.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

read -ra modes <<<"${LAB_MODES:-epsv pasv eprt port}"
read -ra clients <<<"${LAB_CLIENTS:-curl lftp}"
size_mb=${LAB_SIZE_MB:-10}

if [[ ${LAB_SKIP_SETUP:-} != 1 ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "serve.sh: setup needs root (or LAB_SKIP_SETUP=1 with curl, lftp and openssl installed)" >&2
        fail setup "not root"
        finish
    fi
    lab_setup
fi
for tool in curl lftp openssl; do
    command -v "$tool" >/dev/null || {
        fail setup "$tool is not installed (run tests/lab/setup.sh)"
        finish
    }
done

lab_ftpx serve.sh

lab_init
serve_pids=()
# shellcheck disable=SC2317 # (run by the EXIT trap)
stop_servers() {
    local p
    for p in "${serve_pids[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    lab_cleanup
}
trap stop_servers EXIT
trap 'exit 130' INT TERM
lab_certs || {
    fail setup "lab_certs failed"
    finish
}

dir=$LAB_TMP/serve
files=$dir/files
work=$dir/client
mkdir -p "$files" "$work"
head -c "$((size_mb * 1024 * 1024))" /dev/urandom >"$files/source.bin"
user=$LAB_USER
export FTPX_SERVE_PASSWORD=$LAB_PASS

# start_serve ADDR NAME: starts ftpx serve on ADDR (port 0: a free one); sets ports[NAME] (FTP
# and explicit FTPS) and iports[NAME] (implicit FTPS, a free port on the same address).
declare -A ports=() iports=()
start_serve() {
    local addr=$1 name=$2 out=$dir/$2.stdout _
    "$ftpx" serve "$files" --write --login "$user" --listen "$addr" --cert "$LAB_CERT" --key "$LAB_KEY" \
        >"$out" 2>"$dir/$name.log" </dev/null &
    serve_pids+=($!)
    for _ in $(seq 100); do
        grep -q "listening on" "$out" 2>/dev/null && break
        sleep 0.1
    done
    local port iport
    port=$(sed -n 's/.*listening on .*:\([0-9]*\): .*/\1/p' "$out")
    iport=$(sed -n 's/.*implicit FTPS .* on .*:\([0-9]*\)$/\1/p' "$out")
    if [[ -z $port || -z $iport ]]; then
        fail "start/$name" "ftpx serve did not start: $(tail -n 3 "$dir/$name.log" | tr '\n' '|')"
        finish
    fi
    ports[$name]=$port
    iports[$name]=$iport
    ok "start/$name"
}
start_serve 127.0.0.1:0 v4
start_serve '[::1]:0' v6
echo "serve.sh: ftpx serve on 127.0.0.1:${ports[v4]} and [::1]:${ports[v6]} (implicit FTPS on ${iports[v4]} and ${iports[v6]}); curl $(curl --version | head -n 1 | cut -d' ' -f2), $(lftp --version | head -n 1 | cut -d'|' -f2 | xargs)"

out=$work/stdout
err=$work/stderr
curl_major=$(curl --version | head -n 1 | cut -d' ' -f2 | cut -d. -f1)

# run_curl SEC MODE OP: OP get (into $work/got.bin) or put (as $name).
run_curl() {
    local sec=$1 mode=$2 op=$3 scheme=ftp host=127.0.0.1:${ports[v4]}
    local -a cmd=(curl -sS -v --user "$user:$LAB_PASS" --cacert "$LAB_CA")
    case $mode in
        epsv) cmd+=(--ftp-pasv) ;;
        pasv) cmd+=(--ftp-pasv --disable-epsv) ;;
        eprt) cmd+=(--ftp-port 127.0.0.1) ;;
        port) cmd+=(--ftp-port 127.0.0.1 --disable-eprt) ;;
    esac
    case $sec in
        explicit) cmd+=(--ssl-reqd) ;;
        implicit) scheme=ftps host=127.0.0.1:${iports[v4]} ;;
    esac
    case $op in
        get) cmd+=(-o "$work/got.bin" "$scheme://$host/source.bin") ;;
        put) cmd+=(-T "$files/source.bin" "$scheme://$host/$name") ;;
    esac
    timeout 60 "${cmd[@]}" </dev/null >"$out" 2>"$err"
    rc=$?
}

# run_lftp SEC MODE OP: as run_curl. lftp sends EPRT only over IPv6, so eprt uses the ::1 server.
run_lftp() {
    local sec=$1 mode=$2 op=$3 host=127.0.0.1 port=${ports[v4]} scheme=ftp
    local set="set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ssl:ca-file $LAB_CA;"
    case $mode in
        epsv) set+=" set ftp:passive-mode on; set ftp:prefer-epsv yes;" ;;
        pasv) set+=" set ftp:passive-mode on; set ftp:prefer-epsv no;" ;;
        eprt) set+=" set ftp:passive-mode off;" host='[::1]' port=${ports[v6]} ;;
        port) set+=" set ftp:passive-mode off;" ;;
    esac
    case $sec in
        plain) set+=" set ftp:ssl-allow no;" ;;
        explicit) set+=" set ftp:ssl-force yes; set ftp:ssl-protect-data yes;" ;;
        implicit)
            set+=" set ftp:ssl-protect-data yes;" scheme=ftps
            [[ $host == 127.0.0.1 ]] && port=${iports[v4]} || port=${iports[v6]}
            ;;
    esac
    # The certificate names 127.0.0.1 and localhost, not ::1.
    [[ $mode == eprt && $sec != plain ]] && set+=" set ssl:check-hostname no;"
    local what
    case $op in
        get) what="get source.bin -o $work/got.bin" ;;
        put) what="put $files/source.bin -o $name" ;;
    esac
    timeout 60 lftp -d -c "$set open -u $user,$LAB_PASS -p $port $scheme://$host; $what" </dev/null >"$out" 2>"$err"
    rc=$?
}

# run_client CLIENT SEC MODE OP
run_client() {
    case $1 in
        curl) run_curl "${@:2}" ;;
        lftp) run_lftp "${@:2}" ;;
    esac
}

# Whether the transcript in $err shows MODE carrying the data (curl prefixes "> ", lftp "---> ").
mode_used() {
    local p
    [[ $1 == curl ]] && p='^> ' || p='^---> '
    case $2 in
        epsv) grep -q "${p}EPSV" "$err" ;;
        pasv) grep -q "${p}PASV" "$err" && ! grep -q "${p}EPSV" "$err" ;;
        eprt) grep -q "${p}EPRT" "$err" && ! grep -q "${p}PORT" "$err" ;;
        port) grep -q "${p}PORT" "$err" && ! grep -q "${p}EPRT" "$err" ;;
    esac
}

details() {
    printf '%s; exit %s; stderr: %s' "$1" "$rc" "$(grep -v -e PASS -e "$LAB_PASS" "$err" | tail -n 4 | tr '\n' '|' | cut -c1-300)"
}

for client in "${clients[@]}"; do
    for sec in plain explicit implicit; do
        for mode in "${modes[@]}"; do
            check=$client/$sec/$mode
            if [[ $client == curl && $sec != plain && $mode =~ ^(eprt|port)$ && $curl_major -lt 8 ]]; then
                skip "$check" "curl $curl_major.x cannot do active FTPS"
                continue
            fi
            rm -f "$work/got.bin"
            run_client "$client" "$sec" "$mode" get
            if ((rc != 0)); then
                fail "$check/get" "$(details "exit status")"
            elif ! cmp -s "$work/got.bin" "$files/source.bin"; then
                fail "$check/get" "$(details "the download differs from the served file")"
            elif ! mode_used "$client" "$mode"; then
                fail "$check/get" "$(details "$mode did not carry the data")"
            else
                ok "$check/get"
            fi
            name=up-$client-$sec-$mode.bin
            run_client "$client" "$sec" "$mode" put
            if ((rc != 0)); then
                fail "$check/put" "$(details "exit status")"
            elif ! cmp -s "$files/$name" "$files/source.bin"; then
                fail "$check/put" "$(details "the server stored other bytes")"
            elif ! mode_used "$client" "$mode"; then
                fail "$check/put" "$(details "$mode did not carry the data")"
            else
                ok "$check/put"
            fi
            rm -f "$files/$name"
        done
    done
done

if grep -q "refused" "$dir"/v4.log "$dir"/v6.log; then
    fail server-log "the server refused something: $(grep -h refused "$dir"/v4.log "$dir"/v6.log | head -n 3 | tr '\n' '|')"
else
    ok server-log
fi

# curl speaking implicit FTPS to the plain port reads the 220 as a broken TLS record: it must fail
# at once (not hang, not succeed), and the server's log must say why.
started=$(date +%s%N)
timeout 20 curl -sS --cacert "$LAB_CA" "ftps://127.0.0.1:${ports[v4]}/" </dev/null >"$out" 2>"$err"
rc=$?
ms=$((($(date +%s%N) - started) / 1000000))
for _ in $(seq 20); do
    grep -q "TLS handshake on the plain FTP port" "$dir/v4.log" && break
    sleep 0.1
done
if ((rc == 0 || rc == 124 || ms > 5000)); then
    fail tls-on-plain-port "$(details "curl ftps:// to the plain port took ${ms} ms")"
elif ! grep -q "TLS handshake on the plain FTP port" "$dir/v4.log"; then
    fail tls-on-plain-port "the server's log does not say a TLS client came to the plain port"
else
    ok tls-on-plain-port
fi
finish
