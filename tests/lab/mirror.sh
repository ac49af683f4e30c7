#!/usr/bin/env bash
# `ftpx mirror` and `ftpx get --segments` against every lab server (vsftpd, proftpd, pure-ftpd, twisted, pyftpdlib, ftp-srv) on 127.0.0.1.
#
# For each server: a tree (nested and empty directories, names with spaces and UTF-8, 40 small
# files and one of 8 MiB) is served, and
#   mirror            `ftpx mirror -P 4` copies it byte-exact (diff -r), empty directory included,
#                     with nothing else in the target; exit 0;
#   mirror/listing    the listing used is the one the server offers: MLSD where FEAT lists MLST
#                     (proftpd, pure-ftpd), LIST elsewhere (vsftpd), seen in the -d transcript;
#   mirror/again      a second run copies nothing (JSON "copied": 0) and sends no RETR;
#   mirror/delete     a local file the server does not have is removed by --delete, nothing else;
#   reverse           `mirror --reverse` uploads the tree byte-exact, and a second run uploads nothing;
#   segments          `get --segments 4` of the 8 MiB file is byte-exact, in 4 RETRs or more (a
#                     session done first may take over part of a slower one's range; 1 where FEAT
#                     has no REST STREAM), and leaves neither the .part nor its state file.
# A server without UTF8 in FEAT is served the tree without its UTF-8 name.
# Then for vsftpd-tls, proftpd-tls and pure-ftpd-tls (LAB_TLS_ONLY): mirror and reverse over TLS.
#
# Prints `ok NAME` / `FAIL NAME (why)` per check and `N passed, N failed`; exits non-zero on any
# failure. Needs root (setup.sh installs the servers and the lab user). Usage:
#   sudo tests/lab/mirror.sh
# Environment: FTPX=PATH (a binary instead of building target/release/ftpx), LAB_ONLY="vsftpd"
# (default: every server in lib.sh's LAB_SERVERS), LAB_TLS_ONLY="proftpd-tls",
# LAB_SKIP_SETUP=1, LAB_KEEP=1 (keep the temp dir).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

read -ra servers <<<"${LAB_ONLY:-${LAB_SERVERS[*]}}"

lab_need_root mirror.sh "it starts servers that switch users"
lab_setup
lab_ftpx mirror.sh

lab_init
trap lab_cleanup EXIT
trap 'exit 130' INT TERM
work=$LAB_TMP/client
mkdir -p "$work"
err=$work/stderr
out=$work/stdout

# The tree every server serves, and the local one uploaded by --reverse.
tree=$work/tree
mkdir -p "$tree/sub/deep" "$tree/empty dir" "$tree/café"
for i in $(seq 1 40); do
    head -c $((i * 997)) /dev/urandom >"$tree/sub/f$i.bin"
done
head -c $((8 * 1024 * 1024)) /dev/urandom >"$tree/big.bin"
echo "hello" >"$tree/with space.txt"
echo "ü" >"$tree/café/ü.txt"
head -c 5000 /dev/urandom >"$tree/sub/deep/x.bin"

# run NAME ARGS...: ftpx with a 120 s bound, stdout to $out, stderr to $err; sets rc.
run() {
    timeout 120 "$ftpx" "$@" </dev/null >"$out" 2>"$err"
    rc=$?
}

json_field() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$out" "$1" 2>/dev/null
}

for server in "${servers[@]}"; do
    if ! lab_start "$server" >"$work/start.log" 2>&1; then
        fail "$server/start" "$(tail -n 5 "$work/start.log" | tr '\n' ' ')"
        continue
    fi
    url=$(lab_url "$server")
    # What the server offers decides what is expected: MLSD or LIST, ranges or one stream, and
    # whether a UTF-8 name can be served at all (Twisted's server has no UTF8 and mangles it).
    run -d -q ls "$url/"
    feat=$(grep -i '^<---  ' "$err")
    want=LIST
    grep -qi ' MLST' <<<"$feat" && want=MLSD
    expected=$tree
    if ! grep -qi ' UTF8' <<<"$feat"; then
        expected=$work/tree-ascii-$server
        cp -a "$tree" "$expected"
        rm -rf "$expected/café"
    fi
    files=$(lab_files "$server")
    cp -a "$expected" "$files/tree"
    chown -R "$LAB_USER:" "$files/tree"
    local_copy=$work/$server
    rm -rf "$local_copy"

    run -d -q mirror -P 4 --json "$url/tree" "$local_copy"
    if ((rc == 0)) && diff -r "$expected" "$local_copy" >/dev/null && [[ -d "$local_copy/empty dir" ]] &&
        [[ -z $(find "$local_copy" -name '*.part*') ]]; then
        ok "$server/mirror"
    else
        fail "$server/mirror" "exit $rc; $(diff -r "$expected" "$local_copy" 2>&1 | head -n 3 | tr '\n' ' ') $(grep -m3 'error\|failed' "$err" | tr '\n' ' ')"
    fi
    if grep -q "> $want" "$err" || grep -q " $want " "$err"; then
        ok "$server/mirror/listing"
    else
        fail "$server/mirror/listing" "no $want in the transcript"
    fi

    run -d -q mirror -P 4 --json "$url/tree" "$local_copy"
    copied=$(json_field copied)
    if ((rc == 0)) && [[ $copied == 0 ]] && ! grep -q "RETR " "$err"; then
        ok "$server/mirror/again"
    else
        fail "$server/mirror/again" "exit $rc, copied $copied"
    fi

    echo stale >"$local_copy/sub/stale.txt"
    run -q mirror --delete --json "$url/tree" "$local_copy"
    if ((rc == 0)) && [[ ! -e $local_copy/sub/stale.txt ]] && [[ $(json_field deleted) == 1 ]] &&
        diff -r "$expected" "$local_copy" >/dev/null; then
        ok "$server/mirror/delete"
    else
        fail "$server/mirror/delete" "exit $rc, deleted $(json_field deleted)"
    fi

    run -q mirror -R -P 4 --json "$expected" "$url/up"
    if ((rc == 0)) && diff -r "$expected" "$files/up" >/dev/null; then
        run -q mirror -R --json "$expected" "$url/up"
        if ((rc == 0)) && [[ $(json_field copied) == 0 ]]; then
            ok "$server/reverse"
        else
            fail "$server/reverse" "second run: exit $rc, copied $(json_field copied)"
        fi
    else
        fail "$server/reverse" "exit $rc; $(diff -r "$expected" "$files/up" 2>&1 | head -n 3 | tr '\n' ' ')"
    fi

    seg=$work/seg-$server
    mkdir -p "$seg"
    run -d -q get --segments 4 "$url/tree/big.bin" -o "$seg/"
    retrs=$(grep -c "RETR " "$err")
    # Without REST STREAM in FEAT: one stream, and a note saying so.
    want_retrs=4
    grep -qi ' REST STREAM' <<<"$feat" || want_retrs=1
    enough=$((want_retrs == 1 ? retrs == 1 : retrs >= want_retrs))
    if ((rc == 0)) && cmp -s "$expected/big.bin" "$seg/big.bin" && ((enough)) &&
        [[ $(ls -A "$seg") == big.bin ]]; then
        ok "$server/segments"
    else
        fail "$server/segments" "exit $rc, $retrs RETR (want $want_retrs); $(grep -m3 'error' "$err" | tr '\n' ' ')"
    fi
    lab_stop "$server"
done

# Over TLS (explicit FTPS, strictest session reuse): a tree down and up, byte-exact. ProFTPD 1.3.8
# sends no TLS 1.3 ticket on upload connections, so its sessions run out: the mirror logs in again.
read -ra tls_servers <<<"${LAB_TLS_ONLY:-vsftpd-tls proftpd-tls pure-ftpd-tls}"
small=$work/small
mkdir -p "$small/a"
for i in $(seq 1 12); do head -c 20000 /dev/urandom >"$small/a/f$i"; done
for server in "${tls_servers[@]}"; do
    if ! lab_start "$server" >"$work/start.log" 2>&1; then
        fail "$server/start" "$(tail -n 5 "$work/start.log" | tr '\n' ' ')"
        continue
    fi
    files=$(lab_files "$server")
    cp -a "$small" "$files/t"
    chown -R "$LAB_USER:" "$files/t"
    url=$(lab_url "$server")
    run --cacert "$LAB_CA" -q mirror -P 3 "$url/t" "$work/$server"
    if ((rc == 0)) && diff -r "$small" "$work/$server" >/dev/null; then
        ok "$server/mirror"
    else
        fail "$server/mirror" "exit $rc; $(head -c 300 "$err")"
    fi
    run --cacert "$LAB_CA" -q mirror -R -P 3 "$small" "$url/up"
    if ((rc == 0)) && diff -r "$small" "$files/up" >/dev/null; then
        ok "$server/reverse"
    else
        fail "$server/reverse" "exit $rc; $(head -c 300 "$err")"
    fi
    lab_stop "$server"
done
finish
