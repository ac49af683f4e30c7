# shellcheck shell=bash disable=SC2034 # (its variables are used by the scripts that source it)
# The lab's shared vocabulary: where the unpacked servers live, the login user, and functions that
# start and stop vsftpd, proftpd and pure-ftpd on 127.0.0.1 with a passive port range.
#
# Sourced by setup.sh, run.sh, servers.sh and bench/transfer.sh; it runs nothing by itself.
#
# Every server gets, at start time, a directory under "$LAB_TMP/<name>/" holding its config file,
# its logs and "files/", the directory the lab user logs into (chrooted there on all three
# servers, so ftp://host:port/a.bin is "$LAB_TMP/<name>/files/a.bin" on disk).
#
# Usage:
#   lab_init                       # make LAB_TMP (call once; lab_cleanup removes it)
#   lab_start vsftpd               # or proftpd, pure-ftpd; fails with the server's log
#   lab_url vsftpd                 # ftp://USER:PASS@127.0.0.1:PORT
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
LAB_PAM_SERVICE=ftpx-lab

LAB_SERVERS=(vsftpd proftpd pure-ftpd)

VSFTPD_BIN=$LAB_ROOTS/vsftpd/usr/sbin/vsftpd
PROFTPD_BIN=$LAB_ROOTS/proftpd/usr/sbin/proftpd
# proftpd-mod-crypto (mod_tls, for FTPS later) is unpacked into the same tree, beside the rest.
PROFTPD_MODULES=$LAB_ROOTS/proftpd/usr/lib/proftpd
PUREFTPD_BIN=$LAB_ROOTS/pure-ftpd/usr/sbin/pure-ftpd
PUREPW_BIN=$LAB_ROOTS/pure-ftpd/usr/bin/pure-pw

# How many ports each server gets for passive data connections.
LAB_PASV_COUNT=${LAB_PASV_COUNT:-16}

declare -A LAB_PID=() LAB_PORT=() LAB_PASV=()
LAB_TMP=${LAB_TMP:-}
LAB_RESERVED=()

# Which Debian packages setup.sh unpacks into which tree under $LAB_ROOTS.
declare -A LAB_TREE_DEBS=(
    [vsftpd]="vsftpd"
    [proftpd]="proftpd-core proftpd-mod-crypto"
    [pure-ftpd]="pure-ftpd"
)

# Versions of the unpacked packages, "package version" one per line.
lab_server_versions() {
    local t
    for t in "${LAB_SERVERS[@]}"; do
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
lab_url() { echo "ftp://$LAB_USER:$LAB_PASS@127.0.0.1:${LAB_PORT[$1]}"; }

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
    local name=$1 d base lo hi pid i
    lab_init
    if [[ -n ${LAB_PID[$name]:-} ]]; then
        echo "lab: $name already started" >&2
        return 1
    fi
    base=$(lab_pick_base) || return 1
    LAB_RESERVED+=("$base")
    lo=$((base + 1))
    hi=$((base + LAB_PASV_COUNT))
    d=$(lab_dir "$name")
    rm -rf "$d"
    mkdir -p "$d/files"
    chmod 755 "$d"
    chown "$LAB_USER:" "$d/files"
    case $name in
        vsftpd) _lab_vsftpd_conf "$d" "$base" "$lo" "$hi" ;;
        proftpd) _lab_proftpd_conf "$d" "$base" "$lo" "$hi" ;;
        pure-ftpd) _lab_pureftpd_conf "$d" "$base" "$lo" "$hi" ;;
        *)
            echo "lab: unknown server $name (known: ${LAB_SERVERS[*]})" >&2
            return 1
            ;;
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
    local d=$1 port=$2 lo=$3 hi=$4
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
    printf '%s\n' "$VSFTPD_BIN" "$d/vsftpd.conf" >"$d/cmd"
}

# --- proftpd ----------------------------------------------------------------------------------
_lab_proftpd_conf() {
    local d=$1 port=$2 lo=$3 hi=$4
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
    printf '%s\n' "$PROFTPD_BIN" --nodaemon --ipv4 --config "$d/proftpd.conf" >"$d/cmd"
}

# --- pure-ftpd --------------------------------------------------------------------------------
_lab_pureftpd_conf() {
    local d=$1 port=$2 lo=$3 hi=$4 uid gid
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
}
