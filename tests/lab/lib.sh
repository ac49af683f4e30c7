# shellcheck shell=bash disable=SC2034 # (its variables are used by the scripts that source it)
# The lab's shared vocabulary: where the unpacked servers live, the login user, and functions that
# start and stop the lab's servers on 127.0.0.1 with a passive port range: vsftpd, proftpd and
# pure-ftpd from Debian, and three that behave differently (launch/): Twisted's FTP server and
# pyftpdlib from PyPI, ftp-srv from npm.
#
# Sourced by setup.sh, run.sh, servers.sh and bench/transfer.sh; it runs nothing by itself.
#
# Every server gets, at start time, a directory under "$LAB_TMP/<name>/" holding its config file,
# its logs and "files/", the directory the lab user logs into (chrooted there on all three
# servers, so ftp://host:port/a.bin is "$LAB_TMP/<name>/files/a.bin" on disk).
# The launch/ servers run as the lab user (setpriv), each with a config of command-line arguments.
#
# Usage:
#   lab_init                       # make LAB_TMP (call once; lab_cleanup removes it)
#   lab_start vsftpd               # or proftpd, pure-ftpd, twisted, pyftpdlib, ftp-srv
#   lab_start vsftpd-tls           # a TLS variant (LAB_TLS_SERVERS); makes the certificates first
#   lab_url vsftpd                 # ftp://USER:PASS@127.0.0.1:PORT (ftpes:// or ftps:// for TLS)
#   lab_files vsftpd               # the served directory on disk
#   lab_stop vsftpd / lab_stop_all / lab_cleanup

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_CACHE=${LAB_CACHE:-$LAB_DIR/.cache}
LAB_DEBS=$LAB_CACHE/debs
LAB_ROOTS=$LAB_CACHE/servers

# The login used on every server: a system account (vsftpd, proftpd) and a pure-ftpd virtual user
# mapped onto it. The password has no character that needs percent-encoding in a URL.
LAB_USER=ftpxlab
LAB_PASS=lab-Secret-42
LAB_PAM_SERVICE="ftpx-lab"

# The Debian servers, then the registry ones (see LAB_QUIRKS for what sets each apart).
LAB_SERVERS=(vsftpd proftpd pure-ftpd twisted pyftpdlib ftp-srv)
# The same programs with TLS required, each with its strictest session-reuse setting. NAME-tls is
# explicit FTPS (AUTH TLS; reached as ftpes://), NAME-implicit is TLS from the first byte (ftps://):
# one implicit server is enough for the client's implicit path, and vsftpd's is the simplest.
LAB_TLS_SERVERS=(vsftpd-tls vsftpd-implicit proftpd-tls pure-ftpd-tls)

VSFTPD_BIN=$LAB_ROOTS/vsftpd/usr/sbin/vsftpd
PROFTPD_BIN=$LAB_ROOTS/proftpd/usr/sbin/proftpd
# proftpd-mod-crypto (mod_tls, for FTPS later) is unpacked into the same tree, beside the rest.
PROFTPD_MODULES=$LAB_ROOTS/proftpd/usr/lib/proftpd
PUREFTPD_BIN=$LAB_ROOTS/pure-ftpd/usr/sbin/pure-ftpd
PUREPW_BIN=$LAB_ROOTS/pure-ftpd/usr/bin/pure-pw

# How many ports each server gets for passive data connections (LAB_PASV_SMALL for those whose
# small range is the point; their block of ports is the same size).
LAB_PASV_COUNT=${LAB_PASV_COUNT:-16}
declare -A LAB_PASV_SMALL=([pyftpdlib]=2 [ftp-srv]=4)

# The registry servers: a Python venv (Debian's python3) with pinned releases from PyPI, and an npm
# prefix with ftp-srv, run through the small launchers in launch/.
LAB_VENV=$LAB_ROOTS/python
LAB_NODE_PREFIX=$LAB_ROOTS/ftp-srv
LAB_PYPI_PINS=(Twisted==26.10.0 pyftpdlib==2.2.0)
LAB_NPM_PIN=ftp-srv@4.6.3

# What each server does that the others do not, as words run.sh and its table key on:
#   sequential     reads the next command only after the data connection of the last EPSV/PASV
#                  (a second EPSV before connecting is never answered)
#   no-eprt        EPRT is an unknown command (500), FEAT does not list it
#   no-rest no-appe  REST and APPE are unknown commands
#   feat-hides-epsv  FEAT lists neither EPSV nor EPRT, though both work
#   nlst-needs-path  a bare NLST is refused (500); RFC 959 makes the path optional
#   holds-pasv     keeps each unused passive listener for 30 s, on a small range
declare -A LAB_QUIRKS=(
    [twisted]="sequential no-rest no-appe feat-hides-epsv nlst-needs-path"
    [pyftpdlib]="no-eprt"
    [ftp-srv]="holds-pasv feat-hides-epsv"
)
# lab_has_quirk SERVER WORD
lab_has_quirk() { [[ " ${LAB_QUIRKS[$1]:-} " == *" $2 "* ]]; }

declare -A LAB_PID=() LAB_PORT=() LAB_PASV=()
LAB_TMP=${LAB_TMP:-}
LAB_RESERVED=()

# The trees setup.sh fills under $LAB_ROOTS: one per Debian server, the Python venv, the npm prefix.
LAB_TREES=(vsftpd proftpd pure-ftpd python ftp-srv)
# Which Debian packages setup.sh unpacks into which tree under $LAB_ROOTS.
declare -A LAB_TREE_DEBS=(
    [vsftpd]="vsftpd"
    [proftpd]="proftpd-core proftpd-mod-crypto"
    [pure-ftpd]="pure-ftpd"
)

# Versions of the unpacked packages, "package version" one per line.
lab_server_versions() {
    local t
    for t in "${LAB_TREES[@]}"; do
        if [[ -e $LAB_ROOTS/$t/.versions ]]; then
            cat "$LAB_ROOTS/$t/.versions"
        else
            echo "$t (not unpacked)"
        fi
    done
}

lab_init() {
    if [[ -z $LAB_TMP ]]; then
        LAB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ftpx-lab.XXXXXX")
        # The servers switch to the lab user (and nobody) before touching files below here.
        chmod 755 "$LAB_TMP"
    fi
}

lab_cleanup() {
    lab_stop_all
    # Server processes orphaned on the way out: vsftpd runs each session's unprivileged process in
    # a network namespace of its own (isolate_network), so `ip netns pids` does not list it, and
    # once its parent is gone it is no one's descendant. Each names a file under LAB_TMP.
    if [[ -n $LAB_TMP ]]; then
        pkill -KILL -f -- "$LAB_TMP/" 2>/dev/null || true
    fi
    if [[ -n $LAB_TMP && -d $LAB_TMP && ${LAB_KEEP:-} != 1 ]]; then
        rm -rf "$LAB_TMP"
    fi
}

# True when no socket (listening, connected or in TIME_WAIT) uses this local port.
lab_port_unused() {
    [[ -z $(ss -Htan "( sport = :$1 )" 2>/dev/null) ]]
}

# Prints a base port B such that B (control) and B+1..B+LAB_PASV_COUNT (passive range) are unused
# and not handed to another server of this lab. Blocks are 32 ports apart, so B-1, from which
# proftpd makes active-mode connections (RFC 959's L-1), is never in another server's range.
# B is drawn from 10000 up to the kernel's ephemeral range, so that the clients' own sockets
# (their side of every connection, their EPRT/PORT listeners) cannot take a server's port.
lab_pick_base() {
    local try base p ok r eph blocks
    read -r eph _ </proc/sys/net/ipv4/ip_local_port_range
    blocks=$(((eph - 10000) / 32 - 1))
    ((blocks > 10)) || blocks=1000
    for ((try = 0; try < 200; try++)); do
        base=$((10000 + 32 * (RANDOM % blocks)))
        ok=1
        for r in "${LAB_RESERVED[@]}"; do
            [[ $r == "$base" ]] && ok=0
        done
        for ((p = base - 1; ok && p <= base + LAB_PASV_COUNT; p++)); do
            lab_port_unused "$p" || ok=0
        done
        if ((ok)); then
            echo "$base"
            return 0
        fi
    done
    echo "lab: no free port block found" >&2
    return 1
}

lab_dir() { echo "$LAB_TMP/$1"; }
lab_files() { echo "$LAB_TMP/$1/files"; }

# How server NAME uses TLS: "" (not at all), "explicit" (NAME-tls) or "implicit" (NAME-implicit).
lab_tls_kind() {
    case $1 in
        *-tls) echo explicit ;;
        *-implicit) echo implicit ;;
        *) echo "" ;;
    esac
}

# The program behind server NAME: vsftpd-implicit -> vsftpd.
lab_program() {
    local name=${1%-tls}
    echo "${name%-implicit}"
}

lab_url() {
    local scheme=ftp
    case $(lab_tls_kind "$1") in
        explicit) scheme=ftpes ;;
        implicit) scheme=ftps ;;
    esac
    echo "$scheme://$LAB_USER:$LAB_PASS@127.0.0.1:${LAB_PORT[$1]}"
}

# --- certificates ---------------------------------------------------------------------------------
# lab_certs: a lab CA, and a server certificate it signs for 127.0.0.1 and localhost, made with
# openssl in "$LAB_TMP/tls/" the first time it is called (so never kept, never committed). Clients
# trust the CA with --cacert "$LAB_CA"; the servers read LAB_CERT and LAB_KEY, or LAB_CERT_AND_KEY.
LAB_CA_SUBJECT="/O=ftpx lab/CN=ftpx lab CA"
LAB_CERT_SUBJECT="/O=ftpx lab/CN=ftpx lab server"
lab_certs() {
    local t
    lab_init
    t=$LAB_TMP/tls
    LAB_CA=$t/ca.pem
    LAB_CERT=$t/server.pem
    LAB_KEY=$t/server.key
    LAB_CERT_AND_KEY=$t/pure-ftpd.pem
    [[ -s $LAB_CERT_AND_KEY ]] && return 0
    mkdir -p "$t"
    chmod 755 "$t"
    # What rustls (webpki) insists on: a v3 CA certificate with CA:TRUE, and a leaf with CA:FALSE
    # whose names are in subjectAltName (the CN is not looked at). Two days is plenty for one run.
    cat >"$t/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
EOF
    # RSA keys, for vsftpd's rsa_cert_file and proftpd's TLSRSACertificateFile.
    {
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "$LAB_CA_SUBJECT" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -keyout "$t/ca.key" -out "$LAB_CA" &&
            openssl req -new -newkey rsa:2048 -nodes -subj "$LAB_CERT_SUBJECT" \
                -keyout "$LAB_KEY" -out "$t/server.csr" &&
            openssl x509 -req -in "$t/server.csr" -CA "$LAB_CA" -CAkey "$t/ca.key" -CAcreateserial \
                -days 2 -extfile "$t/server.ext" -out "$LAB_CERT"
    } >"$t/openssl.log" 2>&1 || {
        cat "$t/openssl.log" >&2
        return 1
    }
    # The servers read their keys as root, before they drop privileges.
    chmod 600 "$LAB_KEY" "$t/ca.key"
    # pure-ftpd's layout: the key and the certificate in one file (Debian's is
    # /etc/ssl/private/pure-ftpd.pem).
    (umask 077 && cat "$LAB_KEY" "$LAB_CERT" >"$LAB_CERT_AND_KEY")
}

# Prints every log the server wrote, for a failure report.
lab_show_logs() {
    local d f
    d=$(lab_dir "$1")
    for f in "$d"/*.log; do
        [[ -s $f ]] || continue
        echo "----- $1: ${f##*/} (last 40 lines)"
        tail -n 40 "$f"
    done
}

# lab_start NAME: write NAME's config, start it in its own session, wait until it listens.
lab_start() {
    local name=$1 d base lo hi pid i tls known=0 n
    lab_init
    for n in "${LAB_SERVERS[@]}" "${LAB_TLS_SERVERS[@]}"; do
        [[ $n == "$name" ]] && known=1
    done
    if ((!known)); then
        echo "lab: unknown server $name (known: ${LAB_SERVERS[*]} ${LAB_TLS_SERVERS[*]})" >&2
        return 1
    fi
    if [[ -n ${LAB_PID[$name]:-} ]]; then
        echo "lab: $name already started" >&2
        return 1
    fi
    tls=$(lab_tls_kind "$name")
    if [[ -n $tls ]]; then
        lab_certs || return 1
    fi
    base=$(lab_pick_base) || return 1
    LAB_RESERVED+=("$base")
    lo=$((base + 1))
    hi=$((base + ${LAB_PASV_SMALL[$name]:-$LAB_PASV_COUNT}))
    d=$(lab_dir "$name")
    rm -rf "$d"
    mkdir -p "$d/files"
    chmod 755 "$d"
    chown "$LAB_USER:" "$d/files"
    case $(lab_program "$name") in
        vsftpd) _lab_vsftpd_conf "$d" "$base" "$lo" "$hi" "$tls" ;;
        proftpd) _lab_proftpd_conf "$d" "$base" "$lo" "$hi" "$tls" ;;
        pure-ftpd) _lab_pureftpd_conf "$d" "$base" "$lo" "$hi" "$tls" ;;
        *) _lab_launch_conf "$name" "$d" "$base" "$lo" "$hi" ;;
    esac || return 1

    # Each server runs in the foreground (no daemon fork) in a session of its own, so that stopping
    # the session's process group also ends the per-connection children it forked.
    # The command line is in "$d/cmd", one argument per line.
    local -a cmd
    mapfile -t cmd <"$d/cmd"
    setsid "${cmd[@]}" </dev/null >"$d/stderr.log" 2>&1 &
    pid=$!
    LAB_PID[$name]=$pid
    LAB_PORT[$name]=$base
    LAB_PASV[$name]="$lo-$hi"
    for ((i = 0; i < 100; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "lab: $name exited at start" >&2
            lab_show_logs "$name" >&2
            unset "LAB_PID[$name]"
            return 1
        fi
        if ss -Hltn "( sport = :$base )" | grep -q .; then
            return 0
        fi
        sleep 0.1
    done
    echo "lab: $name did not listen on 127.0.0.1:$base within 10 s" >&2
    lab_show_logs "$name" >&2
    lab_stop "$name"
    return 1
}

# Prints the pids of every descendant of PID, children first.
_lab_descendants() {
    ps -e -o pid= -o ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            # Repeat until no new descendant turns up (ps does not order parents before children).
            mine[root] = 1
            do {
                grew = 0
                for (i = 1; i <= NR; i++) {
                    p = pids[i]
                    if (!(p in mine) && (parent[p] in mine)) { mine[p] = 1; grew = 1 }
                }
            } while (grew)
            for (p in mine) if (p != root) print p
        }'
}

lab_stop() {
    local name=$1 pid i kids
    pid=${LAB_PID[$name]:-}
    [[ -n $pid ]] || return 0
    unset "LAB_PID[$name]"
    # setsid exec'd the server, so its pid is also its process group's id, and proftpd's and
    # pure-ftpd's session processes stay in that group. vsftpd's do not: each calls setsid() of its
    # own, so collect the server's descendants too, before the listener dies and they are
    # reparented out of reach.
    kids=$(_lab_descendants "$pid")
    # shellcheck disable=SC2086 # one pid per word
    kill -TERM -- "-$pid" $kids 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 -- "-$pid" 2>/dev/null || break
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL -- "-$pid" $kids 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

lab_stop_all() {
    local name
    for name in "${!LAB_PID[@]}"; do
        lab_stop "$name"
    done
}

# --- vsftpd -----------------------------------------------------------------------------------
_lab_vsftpd_conf() {
    local d=$1 port=$2 lo=$3 hi=$4 tls=${5:-}
    mkdir -p "$d/empty"
    chmod 755 "$d/empty"
    cat >"$d/vsftpd.conf" <<EOF
# Written by ftpx tests/lab/lib.sh for one lab run.
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
# Stay in the foreground: the lab owns the process.
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
pam_service_name=$LAB_PAM_SERVICE
userlist_enable=NO
tcp_wrappers=NO
# Log into the served directory, chrooted there; vsftpd refuses a writable chroot unless told.
local_root=$d/files
chroot_local_user=YES
allow_writeable_chroot=YES
# Must exist, be owned by root and not writable by others (Debian's default is under /var/run).
secure_chroot_dir=$d/empty
nopriv_user=nobody
# The seccomp sandbox kills the session on syscalls newer kernels and libcs use (500 OOPS).
seccomp_sandbox=NO
pasv_enable=YES
pasv_min_port=$lo
pasv_max_port=$hi
port_enable=YES
# Connecting from port 20 needs CAP_NET_BIND_SERVICE after privileges are dropped; not wanted.
connect_from_port_20=NO
use_localtime=NO
vsftpd_log_file=$d/vsftpd.log
xferlog_enable=YES
log_ftp_protocol=YES
syslog_enable=NO
EOF
    if [[ -n $tls ]]; then
        cat >>"$d/vsftpd.conf" <<EOF
# TLS, required for the login and every data connection, with the strictest settings vsftpd has.
ssl_enable=YES
implicit_ssl=$([[ $tls == implicit ]] && echo YES || echo NO)
rsa_cert_file=$LAB_CERT
rsa_private_key_file=$LAB_KEY
force_local_logins_ssl=YES
force_local_data_ssl=YES
# Each data connection must resume the control connection's TLS session (522 otherwise).
require_ssl_reuse=YES
# Uploads must end with the client's close_notify, not a bare FIN; downloads wait for the client to
# answer vsftpd's close_notify.
strict_ssl_read_eof=YES
strict_ssl_write_shutdown=YES
# The built-in default is DES-CBC3-SHA, which OpenSSL 3 no longer offers: no TLS 1.2 handshake
# could succeed (TLS 1.3 suites are not chosen by this list).
ssl_ciphers=HIGH
# OpenSSL's diagnostics in vsftpd.log, for a failure report.
debug_ssl=YES
EOF
    fi
    printf '%s\n' "$VSFTPD_BIN" "$d/vsftpd.conf" >"$d/cmd"
}

# --- proftpd ----------------------------------------------------------------------------------
_lab_proftpd_conf() {
    local d=$1 port=$2 lo=$3 hi=$4 tls=${5:-}
    cat >"$d/proftpd.conf" <<EOF
# Written by ftpx tests/lab/lib.sh for one lab run.
ServerType              standalone
ServerName              "ftpx lab proftpd"
UseIPv6                 off
DefaultAddress          127.0.0.1
SocketBindTight         on
Port                    $port
PassivePorts            $lo $hi
User                    nobody
Group                   nogroup
ModulePath              $PROFTPD_MODULES
PidFile                 $d/proftpd.pid
ScoreboardFile          $d/proftpd.scoreboard
SystemLog               $d/proftpd.log
TransferLog             $d/xfer.log
WtmpLog                 off
UseReverseDNS           off
UseFtpUsers             off
RequireValidShell       off
# Check the password against /etc/shadow directly; no PAM service needed.
AuthPAM                 off
AuthOrder               mod_auth_unix.c
DefaultRoot             $d/files
Umask                   022
AllowOverwrite          on
AllowStoreRestart       on
AllowRetrieveRestart    on
<IfModule mod_delay.c>
  DelayEngine           off
</IfModule>
<IfModule mod_ctrls.c>
  ControlsEngine        off
</IfModule>
EOF
    if [[ -n $tls ]]; then
        # mod_tls comes from the unpacked proftpd-mod-crypto (ModulePath above).
        cat >>"$d/proftpd.conf" <<EOF
LoadModule              mod_tls.c
<IfModule mod_tls.c>
  TLSEngine             on
  # Required on the control connection and on every data connection (PROT P).
  TLSRequired           on
  TLSProtocol           TLSv1.2 TLSv1.3
  TLSRSACertificateFile $LAB_CERT
  TLSRSACertificateKeyFile $LAB_KEY
  TLSVerifyClient       off
  # No NoSessionReuseRequired here: a data connection that does not resume the control
  # connection's TLS session is refused (425).
  TLSOptions            EnableDiags
  TLSLog                $d/tls.log
</IfModule>
EOF
    fi
    printf '%s\n' "$PROFTPD_BIN" --nodaemon --ipv4 --config "$d/proftpd.conf" >"$d/cmd"
}

# --- pure-ftpd --------------------------------------------------------------------------------
_lab_pureftpd_conf() {
    local d=$1 port=$2 lo=$3 hi=$4 tls=${5:-} uid gid
    uid=$(id -u "$LAB_USER") || return 1
    gid=$(id -g "$LAB_USER") || return 1
    # A virtual user in a puredb file of our own, chrooted into the served directory (the "/./"
    # ending of the home field). The line is written here rather than by `pure-pw useradd`, whose
    # argon2id hash (t=511) costs over two seconds at every login; pure-ftpd takes any crypt(3)
    # hash, so a SHA-512 one from openssl keeps logins instant.
    # Fields: login:hash:uid:gid:gecos:home, then twelve empty limits (bandwidth, ratios, quotas...).
    local hash
    hash=$(openssl passwd -6 "$LAB_PASS") || return 1
    printf '%s:%s:%s:%s::%s/./::::::::::::\n' "$LAB_USER" "$hash" "$uid" "$gid" "$d/files" \
        >"$d/pureftpd.passwd"
    "$PUREPW_BIN" mkdb "$d/pureftpd.pdb" -f "$d/pureftpd.passwd" >"$d/pure-pw.log" 2>&1 || {
        cat "$d/pure-pw.log" >&2
        return 1
    }
    # -E: no anonymous; -H: no reverse DNS; -4: IPv4 only; -O: transfer log.
    printf '%s\n' "$PUREFTPD_BIN" \
        -S "127.0.0.1,$port" -p "$lo:$hi" -l "puredb:$d/pureftpd.pdb" \
        -E -H -4 -O "clf:$d/xfer.log" -g "$d/pure-ftpd.pid" >"$d/cmd"
    if [[ -n $tls ]]; then
        # -Y 3: TLS required on the control connection and on every data connection (PROT P);
        # -2: the key and certificate in one PEM file. pure-ftpd has no setting that makes data
        # connections resume the control session (curl --no-sessionid gets through), and resumes
        # TLS 1.2 sessions only: under TLS 1.3 no client's data connection is resumed.
        printf '%s\n' -Y 3 -2 "$LAB_CERT_AND_KEY" >>"$d/cmd"
    fi
}

# --- the registry servers (launch/) ---------------------------------------------------------------
# Each launcher takes PORT PASV_LO PASV_HI ROOT USER PASSWORD and runs in the foreground as the lab
# user; it logs to stderr (stderr.log).

# True when the lab user can reach the launchers and the registry trees: not so when the checkout
# sits below a directory closed to others (a clone under /root, say).
lab_user_reaches_launchers() {
    local p
    for p in "$LAB_DIR/launch" "$LAB_VENV/bin" "$LAB_NODE_PREFIX/node_modules"; do
        setpriv --reuid="$(id -u "$LAB_USER")" --regid="$(id -g "$LAB_USER")" --clear-groups \
            test -r "$p" -a -x "$p" || return 1
    done
}

_lab_launch_conf() {
    local name=$1 d=$2 port=$3 lo=$4 hi=$5 uid gid
    uid=$(id -u "$LAB_USER") || return 1
    gid=$(id -g "$LAB_USER") || return 1
    local -a launcher=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --)
    if ! lab_user_reaches_launchers; then
        # Then they run as root, still confined to their directory by their own file-system layer,
        # and the lab says so in the server's log.
        launcher=()
        echo "lab: the lab user cannot reach $LAB_DIR; $name runs as root" >"$d/launch.log"
    fi
    case $name in
        twisted | pyftpdlib) launcher+=("$LAB_VENV/bin/python" "$LAB_DIR/launch/$name-ftpd.py") ;;
        ftp-srv) launcher+=(env "NODE_PATH=$LAB_NODE_PREFIX/node_modules" node "$LAB_DIR/launch/ftp-srv.js") ;;
        *) return 1 ;;
    esac
    printf '%s\n' "${launcher[@]}" "$port" "$lo" "$hi" "$d/files" "$LAB_USER" "$LAB_PASS" >"$d/cmd"
}

# Check bookkeeping shared by run.sh and netlab.sh: `ok NAME`, `FAIL NAME (why)`, `skip NAME (why)`
# lines, then one closing line `N passed, N failed` (`, N skipped` when any were) that CI reads,
# and an exit status that is non-zero when anything failed.
passed=0
failed=0
skipped=0
ok() {
    echo "ok $1"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL $1 ($2)"
    failed=$((failed + 1))
}
skip() {
    echo "skip $1 ($2)"
    skipped=$((skipped + 1))
}
finish() {
    if ((skipped > 0)); then
        echo "$passed passed, $failed failed, $skipped skipped"
    else
        echo "$passed passed, $failed failed"
    fi
    ((failed == 0))
    exit
}

# What every lab script does before its checks, each step recording a failure and finishing when
# it cannot be done.
# lab_need_root NAME WHY: root is needed (WHY says for what).
lab_need_root() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "$1: needs root ($2)" >&2
        fail setup "not root"
        finish
    fi
}
# lab_tools NAME COMMAND:PACKAGE...: installs the packages whose command is missing.
lab_tools() {
    local name=$1 spec need=()
    shift
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null || need+=("${spec#*:}")
    done
    ((${#need[@]} > 0)) || return 0
    echo "$name: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
        fail setup "cannot install ${need[*]}"
        finish
    fi
}
# lab_setup: runs setup.sh (servers, clients, the lab user) unless LAB_SKIP_SETUP=1.
lab_setup() {
    if [[ ${LAB_SKIP_SETUP:-} != 1 ]] && ! "$LAB_DIR/setup.sh" </dev/null; then
        fail setup "tests/lab/setup.sh failed"
        finish
    fi
}
# lab_ftpx NAME: sets ftpx to $FTPX, or builds the release binary (its last lines shown if it
# fails).
lab_ftpx() {
    ftpx=${FTPX:-}
    [[ -z $ftpx ]] || return 0
    echo "$1: cargo build --release"
    local log
    log=$(mktemp)
    if ! (cd "$LAB_DIR/../.." && cargo build --release) >"$log" 2>&1; then
        tail -n 30 "$log"
        rm -f "$log"
        fail build "cargo build --release failed"
        finish
    fi
    rm -f "$log"
    ftpx=$(cd "$LAB_DIR/../.." && pwd)/target/release/ftpx
}

# The network namespaces a lab script made (netlab.sh, faultlab.sh), for lab_ns_teardown.
LAB_NS=()
# lab_ns_teardown: ends the processes in those namespaces (TERM, then KILL: deleting a namespace
# does not end them) and deletes the namespaces.
lab_ns_teardown() {
    local ns pids
    for ns in "${LAB_NS[@]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086 # one pid per word
        [[ -n $pids ]] && kill -TERM $pids 2>/dev/null
    done
    ((${#LAB_NS[@]} > 0)) && sleep 0.2
    for ns in "${LAB_NS[@]}"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086 # one pid per word
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    LAB_NS=()
}
# lab_ns_left NAME PREFIX: says so on stderr when namespaces named PREFIX* are still there.
lab_ns_left() {
    if ip netns list | grep -q "^$2"; then
        echo "$1: namespaces left behind: $(ip netns list | grep "^$2" | tr '\n' ' ')" >&2
    fi
}
# in_ns NS COMMAND...: runs COMMAND in network namespace NS.
in_ns() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@"
}

# lab_ns_listen NS DIR WHAT LOG: starts the command listed in DIR/cmd (one word a line) in
# namespace NS and waits up to 10 s for it to listen on port 21; sets server_dir=DIR, or shows
# the logs of lab server LOG and fails.
lab_ns_listen() {
    local ns=$1 d=$2 what=$3 log=$4 i
    local -a cmd
    mapfile -t cmd <"$d/cmd"
    in_ns "$ns" setsid "${cmd[@]}" </dev/null >"$d/stderr.log" 2>&1 &
    for ((i = 0; i < 100; i++)); do
        if in_ns "$ns" ss -Hltn "( sport = :21 )" | grep -q .; then
            server_dir=$d
            return 0
        fi
        sleep 0.1
    done
    echo "$what did not listen on port 21:" >&2
    lab_show_logs "$log" >&2
    return 1
}
