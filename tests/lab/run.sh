#!/usr/bin/env bash
# The real-server lab: ftpx against vsftpd, proftpd and pure-ftpd (Debian), Twisted's FTP server and
# pyftpdlib (PyPI) and ftp-srv (npm) on 127.0.0.1, in each of the four data-connection modes (EPSV,
# PASV, EPRT, PORT; RFC 959 and RFC 2428).
#
# Group "plain", for each server and mode: put a 10 MiB random file (and compare what the server
# stored), get it back (cmp), ls (the name appears in a LIST line), ls -1 (the name alone on a
# line, no LIST lines), and get a missing file (exit 5). For each server, once: `ls --json` of a
# small tree from MLSD and from LIST gives its names, kinds and sizes (ftpx only), a wrong
# password (exit 4), and --tls against it (no TLS there: exit 7, and neither USER nor PASS sent).
# A mode the server does not have (lib.sh's LAB_QUIRKS: pyftpdlib has no EPRT) gets one check
# instead, MODE/refused: the command is refused with 500 and the client gives up at once.
# For each server, once, in the first mode (ftpx and curl): resume-get (a download continued from a
# third of the file is byte-exact) and resume-put (an upload continued onto a third on the server
# is byte-exact); on a server without REST or APPE (Twisted), the refusal ends the command with an
# error and leaves the partial file as it was.
#
# Group "probe", for each server: `ftpx probe --json` says every mode the server has works (and the
# one it lacks is refused, not unanswered), recommends a passive mode, names the server software
# when the greeting does, and leaves no passive listener open on the server; on a small passive
# range, three probes in a row all find passive mode working; each probe answers within its
# --timeout plus 2 s.
#
# Group "tls", against vsftpd-tls, vsftpd-implicit, proftpd-tls and pure-ftpd-tls (lib.sh: TLS
# required, strictest session reuse), trusting the lab CA with --cacert. For each server and mode:
# put, get and ls as above, all over TLS. For each server: get-25 (25 small files in one session,
# byte-exact) and get-25/resumed (-d reports each data connection's TLS session resumed), which
# run dry if TLS 1.3 tickets are not renewed; put-25 (25 uploads in one session, in the last mode);
# tls-1.2 (--tls-max 1.2: five downloads, control in TLS 1.2, every data session resumed);
# untrusted (no --cacert: exit 7, the message names the certificate's subject); cacert (the same
# with --cacert works); demands-reuse (curl --no-sessionid is refused: the server really requires
# resumption). Known server limits, checked as such: pure-ftpd resumes no TLS 1.3 session (its
# resumption is checked under 1.2 only, and it demands none); ProFTPD 1.3.8 sends no ticket on
# upload connections, so its put-25 runs under TLS 1.2 and put-25/tls-1.3-relogin checks that under
# TLS 1.3 ftpx logs in again when the tickets run out, and stores every file.
#
# Prints `ok NAME` or `FAIL NAME (details)` per check, then `N passed, N failed`; exits non-zero if
# anything failed. Every server it starts is stopped on the way out, however it ends.
#
# Needs root (setup.sh installs packages and creates the lab user). Usage:
#   sudo tests/lab/run.sh
# Environment:
#   LAB_CLIENT=ftpx|curl|lftp   the client under test (default ftpx); curl and lftp prove the
#                          servers themselves (lftp: plain group only; it sends EPRT only over IPv6)
#   FTPX=PATH              an ftpx binary to use instead of building target/release/ftpx
#   LAB_ONLY="vsftpd proftpd"   servers to run (default: all six; TLS variants follow the Debian ones)
#   LAB_MODES="epsv pasv"       modes to run (default: epsv pasv eprt port)
#   LAB_GROUPS="tls"            groups to run (default: plain tls probe; probe needs ftpx)
#   LAB_MANY=25            files in each many-transfers check
#   LAB_SIZE_MB=10         size of the transferred file
#   LAB_SKIP_SETUP=1       do not run setup.sh;  LAB_KEEP=1  keep the temp dir for a look
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

client=${LAB_CLIENT:-ftpx}
read -ra servers <<<"${LAB_ONLY:-${LAB_SERVERS[*]}}"
read -ra modes <<<"${LAB_MODES:-epsv pasv eprt port}"
read -ra groups <<<"${LAB_GROUPS:-plain tls probe}"
size_mb=${LAB_SIZE_MB:-10}


lab_need_root lab "it installs packages, adds a user and starts servers that switch users"
case $client in
    ftpx | curl | lftp) ;;
    *)
        fail setup "LAB_CLIENT must be ftpx, curl or lftp, not '$client'"
        finish
        ;;
esac

started=$(date +%s)
lab_setup
ftpx=${FTPX:-}
[[ $client == ftpx ]] && lab_ftpx lab

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

# Options for the next run_client calls, spelled the same by both clients: --cacert FILE and
# --tls-max 1.2. With tls_flag=1 the client asks for explicit TLS on an ftp:// URL (ftpx --tls,
# curl --ssl-reqd). The TLS checks set these and put them back.
client_opts=()
tls_flag=0

# run_client MODE OP ARGS...: OP is put (FILE URL), get (URL OUT), ls (URL), ls1 (URL),
# getmany (DIR URL...: every URL into DIR, in one session), putmany (URL FILE...: every FILE into
# the directory URL, in one session).
run_client() {
    local mode=$1 op=$2
    shift 2
    local -a cmd
    if [[ $client == ftpx ]]; then
        # -d puts the control conversation (and the TLS events) in $err, for the FAIL line.
        cmd=("$ftpx" -d -q --mode "$mode" "${client_opts[@]}")
        ((tls_flag)) && cmd+=(--tls)
        case $op in
            put) cmd+=(put "$1" "$2") ;;
            get) cmd+=(get "$1" -o "$2") ;;
            ls) cmd+=(ls "$1") ;;
            ls1) cmd+=(ls -1 "$1") ;;
            lsjson) cmd+=(ls --json "$@") ;;
            getmany) cmd+=(get "${@:2}" -o "$1/") ;;
            getc) cmd+=(get -c "$1" -o "$2") ;;
            putc) cmd+=(put -c "$1" "$2") ;;
            putmany) cmd+=(put "${@:2}" "$1") ;;
        esac
    elif [[ $client == lftp ]]; then
        # lftp opens the URL's server and works on its path; -d puts the conversation in $err.
        local base path
        base=$(echo "$2" | sed -E 's#^([a-z]+://[^/]+).*#\1#')
        [[ $op == put ]] || base=$(echo "$1" | sed -E 's#^([a-z]+://[^/]+).*#\1#')
        local script="set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20;"
        script+=" set ftp:ssl-allow $( ((tls_flag)) && echo yes || echo no);"
        ((tls_flag)) && script+=" set ftp:ssl-force yes;"
        case $mode in
            epsv) script+=" set ftp:passive-mode on; set ftp:prefer-epsv yes;" ;;
            pasv) script+=" set ftp:passive-mode on; set ftp:prefer-epsv no;" ;;
            *) script+=" set ftp:passive-mode off;" ;;
        esac
        script+=" open $base;"
        case $op in
            put) path=${2#"$base"} && script+=" put $1 -o ${path:-/}${1##*/}" ;;
            get) path=${1#"$base"} && script+=" get $path -o $2" ;;
            ls) path=${1#"$base"} && script+=" ls ${path:-/}" ;;
            ls1) path=${1#"$base"} && script+=" nlist ${path:-/}" ;;
            *) echo "lab: lftp has no $op here" >&2 ;;
        esac
        cmd=(lftp -d -c "$script")
    else
        local -a m args
        local a tls=$tls_flag
        read -ra m <<<"$(curl_mode_args "$mode")"
        # curl has no ftpes:// scheme: explicit TLS is ftp:// with --ssl-reqd (ftps:// is implicit
        # in both clients).
        for a in "$@"; do
            if [[ $a == ftpes://* ]]; then
                a=ftp://${a#ftpes://}
                tls=1
            fi
            args+=("$a")
        done
        set -- "${args[@]}"
        cmd=(curl -sS -v "${m[@]}" "${client_opts[@]}")
        ((tls)) && cmd+=(--ssl-reqd)
        case $op in
            put) cmd+=(-T "$1" "$2") ;;
            get) cmd+=(-o "$2" "$1") ;;
            ls) cmd+=("$1") ;;
            ls1) cmd+=(--list-only "$1") ;;
            # One curl run reuses its connection for consecutive URLs on the same server.
            getmany) cmd+=(--output-dir "$1" --remote-name-all "${@:2}") ;;
            putmany) cmd+=(-T "{$(IFS=, && echo "${*:2}")}" "$1") ;;
            getc) cmd+=(-C - -o "$2" "$1") ;;
            putc) cmd+=(-C - -T "$1" "$2") ;;
        esac
    fi
    timeout 60 "${cmd[@]}" </dev/null >"$out" 2>"$err"
    rc=$?
}

# The exit status each client gives for a refused file operation, a refused login, a server that
# refuses AUTH TLS, and a certificate it cannot verify.
if [[ $client == ftpx ]]; then
    want_missing=5 want_login=4 want_no_tls=7 want_untrusted=7
elif [[ $client == curl ]]; then
    want_missing=78 want_login=67 want_no_tls=64 want_untrusted=60
else
    want_missing=1 want_login=1 want_no_tls=1 want_untrusted=1
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
    if [[ $client == lftp ]]; then
        case $1 in
            epsv) grep -q '^<--- 229' "$err" ;;
            pasv) grep -q '^<--- 227' "$err" && ! grep -q '^---> EPSV' "$err" ;;
            port) grep -q '^---> PORT' "$err" ;;
        esac
        return
    fi
    [[ $client == curl ]] || return 0
    case $1 in
        epsv) grep -q '^< 229' "$err" ;;
        pasv) grep -q '^< 227' "$err" && ! grep -q '^> EPSV' "$err" ;;
        eprt) grep -q '^> EPRT' "$err" && ! grep -q '^> PORT' "$err" ;;
        port) grep -q '^> PORT' "$err" && ! grep -q '^> EPRT' "$err" ;;
    esac
}

# --- the checks ----------------------------------------------------------------------------------
# transfer_checks SERVER URL FILES MODE NAME: put the random file as NAME (and compare the server's
# copy in FILES), get it back (cmp), and find NAME in a LIST, all in MODE.
transfer_checks() {
    local server=$1 url=$2 files=$3 mode=$4 name=$5 dl=$work/download.bin
    ln -f "$src" "$work/$name"
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
}

# resume_checks SERVER URL FILES MODE: continue a download and an upload from a third of the file.
# ftpx keeps a partial download in LOCAL.part, curl in LOCAL itself.
resume_checks() {
    local server=$1 url=$2 files=$3 mode=$4 third partial dl=$work/resume.bin
    if [[ $client == lftp ]]; then
        skip "$server/resume-get" "not checked with lftp"
        skip "$server/resume-put" "not checked with lftp"
        return
    fi
    third=$((size_mb * 1024 * 1024 / 3))
    cp "$src" "$files/resume-src.bin"
    chown "$LAB_USER:" "$files/resume-src.bin"
    partial=$dl
    [[ $client == ftpx ]] && partial=$dl.part
    rm -f "$dl" "$dl.part"
    head -c "$third" "$src" >"$partial"
    run_client "$mode" getc "$url/resume-src.bin" "$dl"
    if lab_has_quirk "$server" no-rest; then
        if ((rc == 0 || rc == 124)); then
            fail "$server/resume-get/no-rest" "$(details "want a prompt error from a server without REST")"
        elif [[ $(stat -c %s "$partial" 2>/dev/null) != "$third" ]] || ! cmp -s -n "$third" "$src" "$partial"; then
            fail "$server/resume-get/no-rest" "$(details "the partial download was changed")"
        elif [[ $client == ftpx ]] && ! grep -q 'cannot resume' "$err"; then
            fail "$server/resume-get/no-rest" "$(details "no hint that the server cannot resume")"
        else
            ok "$server/resume-get/no-rest"
        fi
    elif ((rc != 0)); then
        fail "$server/resume-get" "$(details "get -c failed")"
    elif ! cmp -s "$src" "$dl"; then
        fail "$server/resume-get" "$(details "the resumed download differs")"
    elif [[ $client == ftpx ]] && ! grep -q "^---> REST $third" "$err"; then
        fail "$server/resume-get" "$(details "no REST $third in the transcript")"
    else
        ok "$server/resume-get"
    fi
    rm -f "$dl" "$dl.part"

    # The server has a third of resume-up.bin; the client sends the rest.
    head -c "$third" "$src" >"$files/resume-up.bin"
    chown "$LAB_USER:" "$files/resume-up.bin"
    ln -f "$src" "$work/resume-up.bin"
    run_client "$mode" putc "$work/resume-up.bin" "$url/resume-up.bin"
    if lab_has_quirk "$server" no-appe; then
        if ((rc == 0 || rc == 124)); then
            fail "$server/resume-put/no-appe" "$(details "want a prompt error from a server without APPE")"
        elif [[ $(stat -c %s "$files/resume-up.bin") != "$third" ]]; then
            fail "$server/resume-put/no-appe" "$(details "the server's partial file was changed")"
        else
            ok "$server/resume-put/no-appe"
        fi
    elif ((rc != 0)); then
        fail "$server/resume-put" "$(details "put -c failed")"
    elif ! cmp -s "$src" "$files/resume-up.bin"; then
        fail "$server/resume-put" "$(details "the server's copy differs")"
    else
        ok "$server/resume-put"
    fi
    rm -f "$work/resume-up.bin" "$files/resume-src.bin" "$files/resume-up.bin"
}

# refused_mode_check SERVER URL MODE: a server without MODE answers it 500 (RFC 959: syntax
# error, command unrecognised), and the client stops there at once with an error (curl falls back
# from EPRT to PORT by itself, which is fine: the check is that the refusal was seen).
refused_mode_check() {
    local server=$1 url=$2 mode=$3 verb
    verb=${mode^^}
    run_client "$mode" ls "$url/"
    if ! grep -Eq "^(<---|<) 500" "$err" && ! grep -Eq "(^| )500 " "$err"; then
        fail "$server/$mode/refused" "$(details "no 500 reply to $verb in the transcript")"
    elif [[ $client == ftpx ]] && ((rc == 0 || rc == 124)); then
        fail "$server/$mode/refused" "$(details "want a prompt failure")"
    else
        ok "$server/$mode/refused"
    fi
}

# Starts a lab server; when it does not start, shows its log, records the failure, returns 1.
start_server() {
    if ! lab_start "$1" >"$work/start.log" 2>&1; then
        cat "$work/start.log"
        fail "$1/start" "the server did not start; its log is above"
        return 1
    fi
}

# listing_checks SERVER URL FILES: the same small tree on every server, read with `ls --json` from
# MLSD (where offered) and from LIST (--no-mlsd): both must give the tree's names, kinds and sizes
# (a directory's size left out: MLSD's sizd is optional), and the old file's date. Since the
# tree is the same everywhere, the servers agree with each other too. ftpx only (JSON).
listing_checks() {
    local server=$1 url=$2 tree=$3/listing via want got
    mkdir -p "$tree/sub dir"
    printf hello >"$tree/a.txt"
    printf abc >"$tree/space name.txt"
    printf café >"$tree/café.txt"
    : >"$tree/empty"
    head -c 100000 /dev/zero >"$tree/big.bin"
    touch -d '2019-01-02 03:04:05 UTC' "$tree/old.txt"
    chmod -R a+rX "$tree"
    want=$'a.txt\tfile\t5\nbig.bin\tfile\t100000\ncafé.txt\tfile\t5\nempty\tfile\t0\nold.txt\tfile\t0\t2019-01-02\nspace name.txt\tfile\t3\nsub dir\tdir'
    for via in mlsd list; do
        if [[ $via == list ]]; then
            run_client "${modes[0]}" lsjson --no-mlsd "$url/listing/"
        else
            run_client "${modes[0]}" lsjson "$url/listing/"
        fi
        got=$(jq -r 'sort_by(.name)[] | [.name, .type] + (if .type == "dir" then [] else [.size | tostring] end)
            + (if .name == "old.txt" then [.modified[0:10]] else [] end) | join("\t")' "$out" 2>&1)
        if ((rc != 0)); then
            fail "$server/listing/$via" "$(details "ls --json failed")"
        elif [[ $got != "$want" ]]; then
            fail "$server/listing/$via" "$(details "want $(tr '\n\t' '| ' <<<"$want"), got $(tr '\n\t' '| ' <<<"$got")")"
        elif grep -q 'could not be parsed' "$err"; then
            fail "$server/listing/$via" "$(details "unreadable lines")"
        else
            ok "$server/listing/$via ($(jq -r '.[0].parser' "$out"))"
        fi
    done
}

run_server() {
    local server=$1 url files mode name t0 before=$failed
    start_server "$server" || return
    url=$(lab_url "$server")
    files=$(lab_files "$server")
    echo "# $server on 127.0.0.1:${LAB_PORT[$server]}, passive ports ${LAB_PASV[$server]}"

    for mode in "${modes[@]}"; do
        if [[ $client == lftp && $mode == eprt ]]; then
            skip "$server/eprt" "lftp sends EPRT only to IPv6 addresses"
            continue
        fi
        if [[ $client == lftp && $mode == epsv ]] && lab_has_quirk "$server" feat-hides-epsv; then
            skip "$server/epsv" "lftp sends EPSV only when FEAT lists it, and this server's does not"
            continue
        fi
        if [[ $mode == eprt ]] && lab_has_quirk "$server" no-eprt; then
            refused_mode_check "$server" "$url" "$mode"
            continue
        fi
        name=up-$mode.bin
        t0=$(date +%s%N)
        transfer_checks "$server" "$url" "$files" "$mode" "$name"

        run_client "$mode" ls1 "$url/"
        if ((rc != 0 && rc != 124)) && lab_has_quirk "$server" nlst-needs-path &&
            grep -Eq '500 .*NLST requires an argument' "$err"; then
            # Twisted refuses a bare NLST (RFC 959 makes the path optional); a clear refusal is
            # the right outcome for a client that sends none, and ok (below) for one that does.
            ok "$server/$mode/ls-1 (refused: the server wants a path after NLST)"
        elif ((rc != 0)); then
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

    resume_checks "$server" "$url" "$files" "${modes[0]}"
    if [[ $client == ftpx ]]; then
        listing_checks "$server" "$url" "$files"
    fi

    # A wrong password: the login is refused, whatever the mode.
    run_client "${modes[0]}" ls "ftp://$LAB_USER:wrong-password@127.0.0.1:${LAB_PORT[$server]}/"
    if ((rc != want_login)); then
        fail "$server/login-refused" "$(details "want exit $want_login")"
    else
        ok "$server/login-refused"
    fi

    # Explicit TLS asked of a server that has none: a TLS error, and the password never sent in
    # the clear (no USER, no PASS after the refused AUTH TLS).
    tls_flag=1
    run_client "${modes[0]}" ls "$url/"
    tls_flag=0
    if ((rc != want_no_tls)); then
        fail "$server/tls-refused" "$(details "want exit $want_no_tls")"
    elif [[ $client == lftp ]] && grep -q 'server does not support or allow SSL' "$err" &&
        ! grep -q '^---> PASS' "$err"; then
        # lftp does not send AUTH TLS to a server whose FEAT does not offer it.
        ok "$server/tls-refused"
    elif ! grep -Eq '^(--->|>) AUTH TLS' "$err"; then
        fail "$server/tls-refused" "$(details "no AUTH TLS in the transcript")"
    elif grep -Eq '^(--->|>) (USER|PASS)' "$err"; then
        fail "$server/tls-refused" "$(details "USER or PASS was sent after AUTH TLS was refused")"
    else
        ok "$server/tls-refused"
    fi

    lab_stop "$server"
    if ((failed > before)); then
        lab_show_logs "$server" | sed 's/^/# /'
    fi
}

# --- the TLS group ---------------------------------------------------------------------------------
# Counts the data connections whose TLS handshake ftpx reports (-d) as resumed, and as not resumed.
count_resumed() { grep -c 'TLS handshake done: .*, session resumed$' "$err"; }
count_not_resumed() { grep -c 'TLS handshake done: .*NOT resumed' "$err"; }

# many_files DIR N: N small random files f01.bin... in DIR (sizes vary, some under one TLS record).
many_files() {
    local dir=$1 n=$2 i
    mkdir -p "$dir"
    for ((i = 1; i <= n; i++)); do
        head -c "$((RANDOM % 65536 + 1))" /dev/urandom >"$dir/$(printf 'f%02d.bin' "$i")"
    done
}

# same_files A B NAMES...: every NAME in A is byte-identical to the one in B; prints the first that
# is not.
same_files() {
    local a=$1 b=$2 f
    shift 2
    for f in "$@"; do
        if ! cmp -s "$a/$f" "$b/$f"; then
            echo "$f"
            return 1
        fi
    done
}

run_tls_server() {
    local server=$1 url files mode name program resumes13=1 demands_reuse=1 upload_tickets=1
    local before=$failed t0
    local -a names urls paths
    local n=${LAB_MANY:-25} i got bad
    start_server "$server" || return
    url=$(lab_url "$server")
    files=$(lab_files "$server")
    program=$(lab_program "$server")
    # pure-ftpd 1.0.50 resumes TLS 1.2 sessions on data connections but never TLS 1.3 ones, for any
    # client (Python's ssl, on OpenSSL, sees the same); it does not require resumption either.
    [[ $program == pure-ftpd ]] && resumes13=0 demands_reuse=0
    # ProFTPD 1.3.8 sends no TLS 1.3 session ticket on an upload's data connection (downloads get
    # one each), so the two from the control handshake last two uploads; the third cannot resume
    # and is refused. Upstream's proftpd#1932 (2025) asks for a fresh ticket on the control
    # connection before each upload; Debian's 1.3.8 predates it.
    [[ $program == proftpd ]] && upload_tickets=0
    echo "# $server ($(lab_tls_kind "$server") TLS) on 127.0.0.1:${LAB_PORT[$server]}, passive ports ${LAB_PASV[$server]}"
    client_opts=(--cacert "$LAB_CA")

    for mode in "${modes[@]}"; do
        if [[ $client == curl && ($mode == eprt || $mode == port) ]]; then
            # curl 7.88.1 accepts the server's connection, then fails ("sa_addr inet_ntop()
            # failed") before its TLS handshake: active FTPS cannot be checked with it.
            echo "# $server/$mode: skipped (curl 7.88 cannot do active FTPS)"
            continue
        fi
        t0=$(date +%s%N)
        transfer_checks "$server" "$url" "$files" "$mode" "up-$mode.bin"
        echo "# $server/$mode: $((($(date +%s%N) - t0) / 1000000)) ms"
    done

    # Many transfers in one session: under TLS 1.3 every data connection spends a single-use
    # ticket, so a client that does not take in the new ones runs dry after a few transfers.
    names=()
    urls=()
    paths=()
    for ((i = 1; i <= n; i++)); do
        names+=("$(printf 'f%02d.bin' "$i")")
        urls+=("$url/many/${names[-1]}")
        paths+=("$work/many-up/${names[-1]}")
    done
    many_files "$files/many" "$n"
    chown -R "$LAB_USER:" "$files/many"
    rm -rf "$work/many-down"
    mkdir -p "$work/many-down"
    run_client "${modes[0]}" getmany "$work/many-down" "${urls[@]}"
    if ((rc != 0)); then
        fail "$server/get-$n" "$(details "get of $n files failed")"
    elif ! bad=$(same_files "$files/many" "$work/many-down" "${names[@]}"); then
        fail "$server/get-$n" "$(details "$bad differs or is missing")"
    else
        ok "$server/get-$n"
    fi
    # What ftpx says of each data connection: every one resumed the control connection's session.
    if [[ $client == ftpx ]]; then
        got=$(count_resumed)
        if ((!resumes13)); then
            echo "# $server/get-$n/resumed: skipped (the server resumes no TLS 1.3 session; see tls-1.2)"
        elif ((got != n || $(count_not_resumed) != 0)); then
            fail "$server/get-$n/resumed" "$(details "$got of $n data connections resumed")"
        else
            ok "$server/get-$n/resumed"
        fi
    fi

    # Uploads in the last mode (active, unless LAB_MODES says otherwise: the data connections
    # ftpx accepts are TLS clients too), or passive with curl.
    mode=${modes[-1]}
    [[ $client == curl ]] && mode=${modes[0]}
    rm -rf "$work/many-up"
    many_files "$work/many-up" "$n"
    mkdir -p "$files/many-up"
    chown "$LAB_USER:" "$files/many-up"
    if ((!upload_tickets)); then
        # Under TLS 1.2 the control connection's session resumes any number of times.
        client_opts+=(--tls-max 1.2)
    fi
    run_client "$mode" putmany "$url/many-up/" "${paths[@]}"
    client_opts=(--cacert "$LAB_CA")
    local tag=$server/put-$n
    ((upload_tickets)) || tag=$tag/tls-1.2
    if ((rc != 0)); then
        fail "$tag" "$(details "put of $n files failed")"
    elif ! bad=$(same_files "$work/many-up" "$files/many-up" "${names[@]}"); then
        fail "$tag" "$(details "the server's $bad differs or is missing")"
    else
        ok "$tag"
    fi
    if ((!upload_tickets)) && [[ $client == ftpx ]]; then
        # Under TLS 1.3 the same uploads run out of tickets on this server after two: ftpx must
        # log in again when a data session cannot resume (and say so), and store every file.
        rm -rf "${files:?}/many-up"/*
        run_client "$mode" putmany "$url/many-up/" "${paths[@]}"
        if ((rc != 0)); then
            fail "$server/put-$n/tls-1.3-relogin" "$(details "put of $n files under TLS 1.3 failed")"
        elif ! grep -q 'logging in again' "$err"; then
            fail "$server/put-$n/tls-1.3-relogin" "all $n uploads resumed under TLS 1.3: the server now sends tickets for uploads; check put-$n under TLS 1.3 plainly"
        elif ! bad=$(same_files "$work/many-up" "$files/many-up" "${names[@]}"); then
            fail "$server/put-$n/tls-1.3-relogin" "$(details "the server's $bad differs or is missing")"
        else
            ok "$server/put-$n/tls-1.3-relogin"
        fi
    fi

    # TLS 1.2, where sessions (not single-use tickets) are resumed: a few downloads in one session.
    local k=$((n < 5 ? n : 5))
    client_opts+=(--tls-max 1.2)
    rm -rf "$work/many-down"
    mkdir -p "$work/many-down"
    run_client "${modes[0]}" getmany "$work/many-down" "${urls[@]:0:k}"
    client_opts=(--cacert "$LAB_CA")
    if ((rc != 0)); then
        fail "$server/tls-1.2" "$(details "get of $k files failed")"
    elif ! bad=$(same_files "$files/many" "$work/many-down" "${names[@]:0:k}"); then
        fail "$server/tls-1.2" "$(details "$bad differs or is missing")"
    elif [[ $client == ftpx ]] &&
        { ! grep -q '^\*\*\* TLS handshake done: TLSv1_2' "$err" || grep -q 'TLSv1_3' "$err"; }; then
        fail "$server/tls-1.2" "$(details "a connection did not use TLS 1.2")"
    elif [[ $client == ftpx ]] && (($(count_resumed) != k || $(count_not_resumed) != 0)); then
        fail "$server/tls-1.2" "$(details "$(count_resumed) of $k data connections resumed")"
    else
        ok "$server/tls-1.2"
    fi

    # A certificate the client cannot verify (signed by the lab CA, not trusted without --cacert):
    # a TLS error that names the certificate, then the same command with --cacert works.
    client_opts=()
    run_client "${modes[0]}" ls "$url/"
    if ((rc != want_untrusted)); then
        fail "$server/untrusted" "$(details "want exit $want_untrusted")"
    elif [[ $client == ftpx ]] && ! grep -q "subject: O=ftpx lab, CN=ftpx lab server" "$err"; then
        fail "$server/untrusted" "$(details "the message does not name the certificate's subject")"
    else
        ok "$server/untrusted"
    fi
    client_opts=(--cacert "$LAB_CA")
    run_client "${modes[0]}" ls "$url/"
    if ((rc != 0)); then
        fail "$server/cacert" "$(details "ls with --cacert failed")"
    else
        ok "$server/cacert"
    fi

    # The lab's own claim: this server refuses a data connection that does not resume the control
    # connection's session (curl --no-sessionid never offers one), whatever the client under test.
    if ((!demands_reuse)); then
        echo "# $server/demands-reuse: skipped (the server has no setting that demands it)"
    else
        local c=${url/#ftpes:/ftp:} reqd=()
        [[ $url == ftpes:* ]] && reqd=(--ssl-reqd)
        if timeout 30 curl -sS --no-sessionid "${reqd[@]}" --cacert "$LAB_CA" "$c/" \
            </dev/null >"$out" 2>"$err"; then
            fail "$server/demands-reuse" "a data connection without session reuse was accepted"
        elif ! grep -Eq '(425|522)' "$err"; then
            fail "$server/demands-reuse" "curl failed, but not with 425/522: $(tail -n 2 "$err" | tr '\n' '|')"
        else
            ok "$server/demands-reuse"
        fi
    fi
    client_opts=()

    lab_stop "$server"
    if ((failed > before)); then
        lab_show_logs "$server" | sed 's/^/# /'
    fi
}

# --- the probe group ------------------------------------------------------------------------------
# Checks that assert what issue 13 asks of the probe: a failing one is a failure.
probe_check() {
    local name=$1 why=$2
    if [[ -z $why ]]; then ok "$name"; else fail "$name" "$why"; fi
}

# The software each server's greeting names, as the probe should report it (lower case); none for
# ftp-srv, whose greeting is empty by default.
declare -A expect_software=([vsftpd]=vsftpd [proftpd]=proftpd [pure-ftpd]=pure-ftpd
    [twisted]=twisted [pyftpdlib]=pyftpdlib)

# Prints the passive-range listeners of SERVER still open (LISTEN sockets on its passive ports).
pasv_listeners() {
    local lo=${LAB_PASV[$1]%-*} hi=${LAB_PASV[$1]#*-}
    ss -Hltn "( sport >= :$lo and sport <= :$hi )" | awk '{ print $4 }' | tr '\n' ' '
}

# probe_once SERVER URL: runs the probe as JSON into $out, sets rc and probe_ms; the reply of each mode in
# "$work/probe-modes" as "MODE ok|failed STAGE REPLY" lines.
probe_once() {
    local t0
    t0=$(date +%s%N)
    timeout 60 "$ftpx" probe --json "$2/" </dev/null >"$out" 2>"$err"
    rc=$?
    probe_ms=$((($(date +%s%N) - t0) / 1000000))
    jq -r '.modes[] | "\(.mode) \(if .ok then "ok" else "failed" end) \(.stage // "-") \(.reply // .error // "-")"' \
        "$out" >"$work/probe-modes" 2>/dev/null || : >"$work/probe-modes"
}

run_probe_server() {
    local server=$1 url m want line why rec sw i left before=$failed
    start_server "$server" || return
    url=$(lab_url "$server")
    echo "# $server probe on 127.0.0.1:${LAB_PORT[$server]}, passive ports ${LAB_PASV[$server]}"
    probe_once "$server" "$url"
    if ((rc == 124)) || ! jq -e .modes "$out" >/dev/null 2>&1; then
        fail "$server/probe" "$(details "no JSON report")"
        lab_stop "$server"
        return
    fi
    # One line for table.sh: each mode's verdict (with the stage and reply when it failed), the
    # recommended mode.
    echo "# probe $server: $(awk '{ v = $2; if (v == "failed") { r = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", r); v = v " (" $3 ": " substr(r, 1, 40) ")" } printf "%s %s; ", $1, v }' \
        "$work/probe-modes")recommended $(jq -r '.recommended_mode // "none"' "$out")"
    # Every mode runs at once within the probe's --timeout (5 s): the answer comes within it, plus
    # two seconds for the logins and the report on a busy machine.
    probe_check "$server/probe/time" "$( ((probe_ms > 7000)) && echo "took $probe_ms ms")"
    for m in EPSV PASV EPRT PORT; do
        line=$(grep "^$m " "$work/probe-modes")
        want=ok
        [[ $m == EPRT ]] && lab_has_quirk "$server" no-eprt && want=refused
        why=""
        if [[ -z $line ]]; then
            why="no $m in the report"
        elif [[ $want == ok && $line != "$m ok "* ]]; then
            why="$m is reported failed: $line"
        elif [[ $want == refused && ! $line =~ ^$m\ failed\ .*\ 50[0-2] ]]; then
            why="want $m refused with 50x: $line"
        fi
        probe_check "$server/probe/${m,,}" "$why"
    done
    rec=$(jq -r '.recommended_mode // "none"' "$out")
    why=""
    [[ $rec == EPSV || $rec == PASV ]] || why="recommended $rec; verdict: $(jq -r .verdict "$out")"
    [[ -z $why ]] && ((rc != 0)) && why="exit $rc with a working mode"
    probe_check "$server/probe/recommended" "$why"
    if [[ -n ${expect_software[$server]:-} ]]; then
        sw=$(jq -r '.server_software // "null"' "$out")
        why=""
        [[ ${sw,,} == *"${expect_software[$server]}"* ]] ||
            why="server_software is $sw; greeting: $(jq -r .greeting "$out")"
        probe_check "$server/probe/server-software" "$why"
    fi
    # The server closes a passive listener once its data connection is made and closed (or on ABOR);
    # a sampled reply the probe never connects to stays open until the server's idle timeout.
    sleep 0.5
    left=$(pasv_listeners "$server")
    probe_check "$server/probe/no-listener-left" "${left:+listening after the probe: $left}"
    if [[ -n ${LAB_PASV_SMALL[$server]:-} ]]; then
        # A small range: probes in a row must not run it dry.
        why=""
        for i in 1 2 3; do
            probe_once "$server" "$url"
            if ! grep -Eq '^(EPSV|PASV) ok ' "$work/probe-modes"; then
                why="probe $i of 3 in a row: passive failed: $(grep -E '^(EPSV|PASV) ' "$work/probe-modes" | tr '\n' '|')"
                break
            fi
        done
        probe_check "$server/probe/small-range-x3" "$why"
    fi
    lab_stop "$server"
    if ((failed > before)); then
        lab_show_logs "$server" | sed 's/^/# /'
    fi
}

for group in "${groups[@]}"; do
    case $group in
        plain)
            for server in "${servers[@]}"; do
                run_server "$server"
            done
            ;;
        tls)
            if [[ $client == lftp ]]; then
                echo "# tls group: ftpx and curl only (LAB_CLIENT=lftp)"
                continue
            fi
            lab_certs || fail tls/certificates "openssl could not make the lab's certificates"
            for server in "${LAB_TLS_SERVERS[@]}"; do
                if [[ " ${servers[*]} " == *" $(lab_program "$server") "* ]]; then
                    run_tls_server "$server"
                fi
            done
            ;;
        probe)
            if [[ $client != ftpx ]]; then
                echo "# probe group: ftpx only (LAB_CLIENT=$client)"
                continue
            fi
            for server in "${servers[@]}"; do
                run_probe_server "$server"
            done
            ;;
        *) fail setup "unknown group '$group' in LAB_GROUPS (plain, tls, probe)" ;;
    esac
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
