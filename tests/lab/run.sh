#!/usr/bin/env bash
# The real-server lab: ftpx against vsftpd, proftpd and pure-ftpd on 127.0.0.1, in each of the four
# data-connection modes (EPSV, PASV, EPRT, PORT; RFC 959 and RFC 2428).
#
# For each server and mode: put a 10 MiB random file (and compare what the server stored), get it
# back (cmp), ls (the name appears in a LIST line), ls -1 (the name alone on a line, no LIST
# lines), and get a missing file (exit 5). For each server, once: a wrong password (exit 4).
# Prints `ok NAME` or `FAIL NAME (details)` per check, then `N passed, N failed`; exits non-zero if
# anything failed. Every server it starts is stopped on the way out, however it ends.
#
# Needs root (setup.sh installs packages and creates the lab user). Usage:
#   sudo tests/lab/run.sh
# Environment:
#   LAB_CLIENT=ftpx|curl   the client under test (default ftpx); curl proves the servers themselves
#   FTPX=PATH              an ftpx binary to use instead of building target/release/ftpx
#   LAB_ONLY="vsftpd proftpd"   servers to run (default: all three)
#   LAB_MODES="epsv pasv"       modes to run (default: epsv pasv eprt port)
#   LAB_SIZE_MB=10         size of the transferred file
#   LAB_SKIP_SETUP=1       do not run setup.sh;  LAB_KEEP=1  keep the temp dir for a look
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

client=${LAB_CLIENT:-ftpx}
read -ra servers <<<"${LAB_ONLY:-${LAB_SERVERS[*]}}"
read -ra modes <<<"${LAB_MODES:-epsv pasv eprt port}"
size_mb=${LAB_SIZE_MB:-10}

passed=0
failed=0
ok() {
    echo "ok $1"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL $1 ($2)"
    failed=$((failed + 1))
}
finish() {
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit
}

if [[ $(id -u) -ne 0 ]]; then
    echo "lab: needs root (it installs packages, adds a user and starts servers that switch users)" >&2
    fail setup "not root"
    finish
fi
case $client in
    ftpx | curl) ;;
    *)
        fail setup "LAB_CLIENT must be ftpx or curl, not '$client'"
        finish
        ;;
esac

started=$(date +%s)
if [[ ${LAB_SKIP_SETUP:-} != 1 ]]; then
    if ! "$here/setup.sh" </dev/null; then
        fail setup "tests/lab/setup.sh failed"
        finish
    fi
fi

ftpx=${FTPX:-}
if [[ $client == ftpx && -z $ftpx ]]; then
    echo "lab: cargo build --release"
    build_log=$(mktemp)
    if ! (cd "$repo" && cargo build --release) >"$build_log" 2>&1; then
        tail -n 30 "$build_log"
        rm -f "$build_log"
        fail build "cargo build --release failed"
        finish
    fi
    rm -f "$build_log"
    ftpx=$repo/target/release/ftpx
fi

lab_init
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
work=$LAB_TMP/client
mkdir -p "$work"
echo "lab: client $client${ftpx:+ ($ftpx)}; servers: $(lab_server_versions | tr '\n' ' ')"

src=$work/source.bin
head -c "$((size_mb * 1024 * 1024))" /dev/urandom >"$src"

# --- the client adapter: one function per operation, same arguments whatever the client -------
# Each runs the client with `timeout 60`, no stdin, stdout to $out and stderr to $err, and sets rc.
out=$work/stdout
err=$work/stderr

curl_mode_args() {
    case $1 in
        epsv) echo "--ftp-pasv" ;;
        pasv) echo "--ftp-pasv --disable-epsv" ;;
        eprt) echo "--ftp-port 127.0.0.1" ;;
        port) echo "--ftp-port 127.0.0.1 --disable-eprt" ;;
    esac
}

# run_client MODE OP ARGS...: OP is put (FILE URL), get (URL OUT), ls (URL), ls1 (URL).
run_client() {
    local mode=$1 op=$2
    shift 2
    local -a cmd
    if [[ $client == ftpx ]]; then
        # -d puts the control conversation in $err, for the FAIL line.
        cmd=("$ftpx" -d -q --mode "$mode")
        case $op in
            put) cmd+=(put "$1" "$2") ;;
            get) cmd+=(get "$1" -o "$2") ;;
            ls) cmd+=(ls "$1") ;;
            ls1) cmd+=(ls -1 "$1") ;;
        esac
    else
        local -a m
        read -ra m <<<"$(curl_mode_args "$mode")"
        cmd=(curl -sS -v "${m[@]}")
        case $op in
            put) cmd+=(-T "$1" "$2") ;;
            get) cmd+=(-o "$2" "$1") ;;
            ls) cmd+=("$1") ;;
            ls1) cmd+=(--list-only "$1") ;;
        esac
    fi
    timeout 60 "${cmd[@]}" </dev/null >"$out" 2>"$err"
    rc=$?
}

# The exit status each client gives for a refused file operation and a refused login.
if [[ $client == ftpx ]]; then
    want_missing=5 want_login=4
else
    want_missing=78 want_login=67
fi

# A short account of the last client run, for a FAIL line.
details() {
    local why=$1
    if ((rc == 124)); then
        why="$why; timed out after 60 s"
    fi
    printf '%s; exit %s; stderr: %s' "$why" "$rc" "$(tail -n 4 "$err" | tr '\n' '|' | cut -c1-300)"
}

# curl falls back silently (EPSV to PASV, EPRT to PORT), so with curl prove from its transcript that
# the mode asked for is the one that carried the data. ftpx's single-mode flags allow no fallback.
mode_used() {
    [[ $client == curl ]] || return 0
    case $1 in
        epsv) grep -q '^< 229' "$err" ;;
        pasv) grep -q '^< 227' "$err" && ! grep -q '^> EPSV' "$err" ;;
        eprt) grep -q '^> EPRT' "$err" && ! grep -q '^> PORT' "$err" ;;
        port) grep -q '^> PORT' "$err" && ! grep -q '^> EPRT' "$err" ;;
    esac
}

# --- the checks ----------------------------------------------------------------------------------
run_server() {
    local server=$1 url files mode name t0 before=$failed
    if ! lab_start "$server" >"$work/start.log" 2>&1; then
        cat "$work/start.log"
        fail "$server/start" "the server did not start; its log is above"
        return
    fi
    url=$(lab_url "$server")
    files=$(lab_files "$server")
    echo "# $server on 127.0.0.1:${LAB_PORT[$server]}, passive ports ${LAB_PASV[$server]}"

    for mode in "${modes[@]}"; do
        name=up-$mode.bin
        ln -f "$src" "$work/$name"
        t0=$(date +%s%N)
        run_client "$mode" put "$work/$name" "$url/"
        if ((rc != 0)); then
            fail "$server/$mode/put" "$(details "put failed")"
        elif ! cmp -s "$src" "$files/$name"; then
            fail "$server/$mode/put" "$(details "the server's copy differs: $(cmp "$src" "$files/$name" 2>&1 | head -n 1)")"
        elif ! mode_used "$mode"; then
            fail "$server/$mode/put" "$(details "the transfer did not use $mode")"
        else
            ok "$server/$mode/put"
        fi
        rm -f "$work/$name"

        local dl=$work/download.bin
        rm -f "$dl"
        run_client "$mode" get "$url/$name" "$dl"
        if ((rc != 0)); then
            fail "$server/$mode/get" "$(details "get failed")"
        elif ! cmp -s "$src" "$dl"; then
            fail "$server/$mode/get" "$(details "the download differs: $(cmp "$src" "$dl" 2>&1 | head -n 1)")"
        elif ! mode_used "$mode"; then
            fail "$server/$mode/get" "$(details "the transfer did not use $mode")"
        else
            ok "$server/$mode/get"
        fi
        rm -f "$dl"

        run_client "$mode" ls "$url/"
        if ((rc != 0)); then
            fail "$server/$mode/ls" "$(details "ls failed")"
        elif ! grep -Eq "[[:space:]]$name\$" "$out"; then
            fail "$server/$mode/ls" "$(details "no LIST line ends with $name: $(head -c 300 "$out" | tr '\n' '|')")"
        else
            ok "$server/$mode/ls"
        fi

        run_client "$mode" ls1 "$url/"
        if ((rc != 0)); then
            fail "$server/$mode/ls-1" "$(details "ls -1 failed")"
        elif ! grep -Eqx "(.*/)?$name" "$out"; then
            fail "$server/$mode/ls-1" "$(details "$name is not alone on a line: $(head -c 300 "$out" | tr '\n' '|')")"
        elif grep -Eq '^[-dl][-rwxsStT]{9}' "$out"; then
            fail "$server/$mode/ls-1" "$(details "LIST lines in the output: $(head -c 300 "$out" | tr '\n' '|')")"
        else
            ok "$server/$mode/ls-1"
        fi

        run_client "$mode" get "$url/missing-$mode.bin" "$work/missing.bin"
        if ((rc != want_missing)); then
            fail "$server/$mode/get-missing" "$(details "want exit $want_missing")"
        else
            ok "$server/$mode/get-missing"
        fi
        rm -f "$work/missing.bin"
        echo "# $server/$mode: $((($(date +%s%N) - t0) / 1000000)) ms"
    done

    # A wrong password: the login is refused, whatever the mode.
    run_client "${modes[0]}" ls "ftp://$LAB_USER:wrong-password@127.0.0.1:${LAB_PORT[$server]}/"
    if ((rc != want_login)); then
        fail "$server/login-refused" "$(details "want exit $want_login")"
    else
        ok "$server/login-refused"
    fi

    lab_stop "$server"
    if ((failed > before)); then
        lab_show_logs "$server" | sed 's/^/# /'
    fi
}

for server in "${servers[@]}"; do
    run_server "$server"
done

# Nothing of ours may outlive the run: every server's process group must be gone.
lab_stop_all
leftover=$(pgrep -f -- "$LAB_TMP/" || true)
if [[ -n $leftover ]]; then
    fail cleanup "processes still running: $(echo "$leftover" | tr '\n' ' ')"
else
    ok cleanup
fi
echo "# lab took $(($(date +%s) - started)) s"
finish
