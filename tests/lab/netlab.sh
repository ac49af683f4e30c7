#!/usr/bin/env bash
# The network lab: `ftpx probe` through real NAT, firewalls and the kernel's FTP helper, against a
# real vsftpd (and pure-ftpd where its replies matter), one scenario at a time.
#
# Each scenario builds four network namespaces joined by veth pairs,
#
#   client --- client-side router --- "internet" --- server-side router --- server
#   c0  rc0    (NAT, FTP helper)       rc1   rs1     (DNAT, FORWARD)    rs0  s0
#
# adds the scenario's iptables rules, starts the server in the server namespace on port 21 with
# the passive range 40000-40015, runs `ftpx probe --json` in the client namespace, and checks the
# verdict of each mode, the finding codes, the recommended mode, the exit status, and that the probe
# answered within its timeout plus one second. Then it removes the namespaces.
#
# The serve-* scenarios run `ftpx serve` (this binary) as the server: it says what it saw
# (SITE FTPX-ECHO), so the probe states the client's public address, NAT and the helper's rewrite
# of PORT/EPRT as facts, and the checks name them exactly.
#
# Addresses are private and documentation ranges only: client LAN 10.0.1.0/24 (behind NAT) or
# 192.0.2.0/24 (public), the "internet" 198.51.100.0/24, server LAN 203.0.113.0/24 (public) or
# 10.0.2.0/24 (behind NAT), and 2001:db8::/32 for IPv6. Routes name those ranges only (no default
# route), private ranges are not routed across the "internet", and namespaces have no link to the
# host, so nothing leaves them. Every namespace and process is removed on exit, however it ends.
#
# Prints `ok NAME (N ms)` / `FAIL NAME (why)` / `skip NAME (why)` per scenario, then
# `N passed, N failed` (and `, N skipped`); exits non-zero if anything failed. A scenario the
# kernel cannot run (no FTP helper) is skipped with the reason, never passed.
#
# Needs root. Usage:
#   sudo tests/lab/netlab.sh [SCENARIO...]      all scenarios by default
# Environment:
#   FTPX=PATH                 an ftpx binary instead of building target/release/ftpx
#   NETLAB_TIMEOUT=SECS       the probe's --timeout (default 5, the probe's own default)
#   NETLAB_SHOW=1             also print the probe's terminal report for each scenario
#   NETLAB_KEEP_JSON=DIR      also copy each scenario's probe JSON to DIR/NAME.json
#   LAB_SKIP_SETUP=1          do not run setup.sh
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

timeout_s=${NETLAB_TIMEOUT:-5}
all_scenarios=(
    open-path
    client-nat
    client-nat-ftp-helper
    client-nat-ftp-helper-ftps
    client-nat-pure-ftpd
    client-firewall
    server-nat-private-address
    server-firewall-only-21
    everything-blocked
    ipv6
    serve-client-nat
    serve-client-nat-ftp-helper
    serve-client-nat-ftp-helper-ftps
    serve-server-nat
)
if (($# > 0)); then scenarios=("$@"); else scenarios=("${all_scenarios[@]}"); fi


lab_need_root netlab "network namespaces, iptables, servers that switch users"

# --- tools, servers, the binary ---------------------------------------------------------------
lab_tools netlab iptables:iptables jq:jq ip:iproute2
lab_setup >/dev/null
lab_ftpx netlab

# --- namespaces -------------------------------------------------------------------------------
prefix="ftpxnet$$"
C=${prefix}c
RC=${prefix}rc
RS=${prefix}rs
S=${prefix}s
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ftpx-netlab.XXXXXX")

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    lab_ns_teardown
    lab_cleanup
    rm -rf "$scratch"
    lab_ns_left netlab "$prefix"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ns_add() {
    ip netns add "$1" || return 1
    LAB_NS+=("$1")
    ip -n "$1" link set lo up
    # No duplicate address detection: a fresh link-local address would hold IPv6 back for a
    # second or two, which the probe's timing would count.
    in_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# veth NS1 IF1 NS2 IF2: a cable between two namespaces.
veth() {
    ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
    ip -n "$1" link set "$2" up
    ip -n "$3" link set "$4" up
}

# topology CLIENT SERVER: CLIENT is public, private or v6; SERVER is public, private or v6.
# Sets server_ip (what the client dials) and listen_ip (what the server binds).
topology() {
    local client=$1 server=$2 ns
    lab_ns_teardown
    for ns in "$C" "$RC" "$RS" "$S"; do
        ns_add "$ns" || return 1
    done
    veth "$C" c0 "$RC" rc0 && veth "$RC" rc1 "$RS" rs1 && veth "$RS" rs0 "$S" s0 || return 1
    for ns in "$RC" "$RS"; do
        in_ns "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
    done
    if [[ $client == v6 ]]; then
        ip -n "$C" -6 addr add 2001:db8:1::10/64 dev c0 nodad
        ip -n "$RC" -6 addr add 2001:db8:1::1/64 dev rc0 nodad
        ip -n "$RC" -6 addr add 2001:db8:ff::1/64 dev rc1 nodad
        ip -n "$RS" -6 addr add 2001:db8:ff::2/64 dev rs1 nodad
        ip -n "$RS" -6 addr add 2001:db8:2::1/64 dev rs0 nodad
        ip -n "$S" -6 addr add 2001:db8:2::10/64 dev s0 nodad
        ip -n "$C" -6 route add 2001:db8:ff::/64 via 2001:db8:1::1
        ip -n "$C" -6 route add 2001:db8:2::/64 via 2001:db8:1::1
        ip -n "$RC" -6 route add 2001:db8:2::/64 via 2001:db8:ff::2
        ip -n "$RS" -6 route add 2001:db8:1::/64 via 2001:db8:ff::1
        ip -n "$S" -6 route add 2001:db8:ff::/64 via 2001:db8:2::1
        ip -n "$S" -6 route add 2001:db8:1::/64 via 2001:db8:2::1
        server_ip=2001:db8:2::10
        listen_ip=$server_ip
        return 0
    fi
    local cnet snet
    if [[ $client == private ]]; then cnet=10.0.1; else cnet=192.0.2; fi
    if [[ $server == private ]]; then snet=10.0.2; else snet=203.0.113; fi
    ip -n "$C" addr add "$cnet.10/24" dev c0
    ip -n "$RC" addr add "$cnet.1/24" dev rc0
    ip -n "$RC" addr add 198.51.100.1/24 dev rc1
    ip -n "$RS" addr add 198.51.100.2/24 dev rs1
    ip -n "$RS" addr add "$snet.1/24" dev rs0
    ip -n "$S" addr add "$snet.10/24" dev s0
    ip -n "$C" route add 198.51.100.0/24 via "$cnet.1"
    ip -n "$S" route add 198.51.100.0/24 via "$snet.1"
    # Public LANs are routed across the "internet"; private ones are not.
    if [[ $server == public ]]; then
        ip -n "$C" route add 203.0.113.0/24 via "$cnet.1"
        ip -n "$RC" route add 203.0.113.0/24 via 198.51.100.2
    fi
    if [[ $client == public ]]; then
        ip -n "$S" route add 192.0.2.0/24 via "$snet.1"
        ip -n "$RS" route add 192.0.2.0/24 via 198.51.100.1
    fi
    listen_ip=$snet.10
    if [[ $server == private ]]; then server_ip=198.51.100.2; else server_ip=$listen_ip; fi
}

# The client's router masquerades the client LAN behind 198.51.100.1.
client_nat() {
    in_ns "$RC" iptables -t nat -A POSTROUTING -o rc1 -s 10.0.1.0/24 -j MASQUERADE
}

# The kernel's FTP helper (nf_conntrack_ftp, nf_nat_ftp) on the client's router: it reads PORT/EPRT
# on port 21, rewrites the address to the router's and lets the server's connection back in.
client_ftp_helper() {
    in_ns "$RC" iptables -t raw -A PREROUTING -i rc0 -p tcp --dport 21 -j CT --helper ftp
}

# A firewall on the client that drops every incoming connection.
client_firewall() {
    in_ns "$C" iptables -A INPUT -i lo -j ACCEPT &&
        in_ns "$C" iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT &&
        in_ns "$C" iptables -A INPUT -j DROP
}

# A firewall on the server that lets only port 21 in.
server_firewall_only_21() {
    in_ns "$S" iptables -A INPUT -i lo -j ACCEPT &&
        in_ns "$S" iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT &&
        in_ns "$S" iptables -A INPUT -p tcp --dport 21 -j ACCEPT &&
        in_ns "$S" iptables -A INPUT -j DROP
}

# The server's router: 198.51.100.2 port 21 and the passive range forwarded to 10.0.2.10, nothing
# else in; the server LAN masqueraded on the way out.
server_nat() {
    local rs=(in_ns "$RS" iptables)
    "${rs[@]}" -t nat -A PREROUTING -i rs1 -d 198.51.100.2 -p tcp --dport 21 -j DNAT --to-destination 10.0.2.10 &&
        "${rs[@]}" -t nat -A PREROUTING -i rs1 -d 198.51.100.2 -p tcp --dport 40000:40015 \
            -j DNAT --to-destination 10.0.2.10 &&
        "${rs[@]}" -t nat -A POSTROUTING -o rs1 -s 10.0.2.0/24 -j MASQUERADE &&
        "${rs[@]}" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT &&
        "${rs[@]}" -A FORWARD -i rs1 -o rs0 -d 10.0.2.10 -p tcp -m multiport --dports 21,40000:40015 -j ACCEPT &&
        "${rs[@]}" -A FORWARD -i rs0 -o rs1 -j ACCEPT &&
        "${rs[@]}" -P FORWARD DROP
}

# --- servers ----------------------------------------------------------------------------------
# start_server NAME KIND: vsftpd, vsftpd-tls (FTPS required), pure-ftpd, or ftpx serve (ftpx-serve,
# ftpx-serve-tls with a certificate the probe is given; TLS optional, as ftpx serve offers it) on
# listen_ip port 21 in the server namespace. For ftpx serve, serve_public (when set) is the address
# PASV advertises (--public-address: the server is behind NAT).
start_server() {
    local name=$1 kind=$2 d i
    local -a serve_args
    lab_init
    d=$LAB_TMP/netlab-$name
    rm -rf "$d"
    mkdir -p "$d/files"
    chmod 755 "$d"
    echo "probe me" >"$d/files/readme.txt"
    chown -R "$LAB_USER:" "$d/files"
    case $kind in
        vsftpd | vsftpd-tls)
            _lab_vsftpd_conf "$d" 21 40000 40015 || return 1
            if [[ $kind == vsftpd-tls ]]; then
                openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$listen_ip" \
                    -addext "subjectAltName=IP:$listen_ip" -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null ||
                    return 1
                printf '%s\n' ssl_enable=YES "rsa_cert_file=$d/cert.pem" "rsa_private_key_file=$d/key.pem" \
                    force_local_logins_ssl=YES force_local_data_ssl=YES >>"$d/vsftpd.conf"
            fi
            if [[ $listen_ip == *:* ]]; then
                sed -i -e 's/^listen=YES/listen=NO/' -e 's/^listen_ipv6=NO/listen_ipv6=YES/' \
                    -e "s/^listen_address=.*/listen_address6=$listen_ip/" "$d/vsftpd.conf"
            else
                sed -i "s/^listen_address=.*/listen_address=$listen_ip/" "$d/vsftpd.conf"
            fi
            ;;
        pure-ftpd)
            _lab_pureftpd_conf "$d" 21 40000 40015 || return 1
            sed -i "s/^127\.0\.0\.1,21\$/$listen_ip,21/" "$d/cmd"
            ;;
        ftpx-serve | ftpx-serve-tls)
            # Anonymous, read-only (its defaults): under TLS the probe compares active mode with
            # plain FTP only for anonymous logins, never sending a password in the clear.
            serve_args=("$d/files" --listen "$listen_ip:21" --pasv-ports 40000-40015)
            server_anonymous=1
            [[ -n ${serve_public:-} ]] && serve_args+=(--public-address "$serve_public")
            if [[ $kind == ftpx-serve-tls ]]; then
                openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$listen_ip" \
                    -addext "subjectAltName=IP:$listen_ip" -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null ||
                    return 1
                serve_args+=(--cert "$d/cert.pem" --key "$d/key.pem")
            fi
            printf '%s\n' "$ftpx" serve "${serve_args[@]}" >"$d/cmd"
            ;;
    esac
    lab_ns_listen "$S" "$d" "netlab: $kind" "netlab-$name"
}

# --- the probe and its checks -----------------------------------------------------------------
# probe NAME: runs the probe (with the flags in probe_flags) in the client namespace; sets code
# and ms, the JSON in $scratch.
probe_flags=()
probe() {
    local host=$server_ip start
    [[ $host == *:* ]] && host="[$host]"
    local url="ftp://$LAB_USER:$LAB_PASS@$host/"
    [[ -n ${server_anonymous:-} ]] && url="ftp://$host/"
    start=$(date +%s%N)
    in_ns "$C" "$ftpx" probe --json --timeout "$timeout_s" "${probe_flags[@]}" "$url" \
        >"$scratch/$1.json" 2>"$scratch/$1.err"
    code=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    [[ -n ${NETLAB_KEEP_JSON:-} ]] && cp "$scratch/$1.json" "$NETLAB_KEEP_JSON/$1.json"
    if [[ ${NETLAB_SHOW:-} == 1 ]]; then
        echo "----- $1: ftpx probe $host"
        in_ns "$C" "$ftpx" probe --timeout "$timeout_s" "${probe_flags[@]}" "$url"
        echo "-----"
    fi
}

# probe_tls_through_helper NAME: the kernel's FTP helper on the client's NAT, then probe over TLS
# (trusting the server's cert.pem). Returns 1, after a skip line, where the helper is not available.
probe_tls_through_helper() {
    if ! client_ftp_helper 2>"$scratch/helper.err"; then
        skip "$1" "the kernel's FTP helper is not available: $(head -c 200 "$scratch/helper.err")"
        return 1
    fi
    probe_flags=(--tls --cacert "$server_dir/cert.pem")
    probe "$1"
    probe_flags=()
}

# check NAME MODES CODES RECOMMENDED EXIT [JQ-CONDITION...]
check() {
    local name=$1 modes=$2 codes=$3 rec=$4 want_code=$5 json=$scratch/$1.json
    shift 5
    local problems=() got cond
    if ! jq -e . "$json" >/dev/null 2>&1; then
        fail "$name" "no JSON (exit $code): $(head -c 400 "$scratch/$name.err")"
        return
    fi
    got=$(jq -r '[.modes[] | "\(.mode)=\(if .ok then "ok" else .stage end)"] | join(" ")' "$json")
    [[ $got == "$modes" ]] || problems+=("modes: got '$got', want '$modes'")
    got=$(jq -r '[.findings[].code] | sort | join(" ")' "$json")
    [[ $got == "$codes" ]] || problems+=("findings: got '$got', want '$codes'")
    got=$(jq -r '.recommended_mode // "none"' "$json")
    [[ $got == "$rec" ]] || problems+=("recommended: got $got, want $rec")
    [[ $code == "$want_code" ]] || problems+=("exit status $code, want $want_code")
    ((ms <= (timeout_s + 1) * 1000)) || problems+=("took $ms ms, more than ${timeout_s}+1 s")
    for cond in "$@"; do
        jq -e "$cond" "$json" >/dev/null || problems+=("not true: $cond")
    done
    if ((${#problems[@]} > 0)); then
        local IFS=';'
        fail "$name" "${problems[*]}; errors: $(jq -r '[.modes[] | "\(.mode): \(.error)"] | join(" | ")' "$json")"
    else
        ok "$name ($ms ms)"
    fi
}

# --- scenarios --------------------------------------------------------------------------------
scenario() {
    local name=$1
    case $name in
        open-path)
            topology public public && start_server "$name" vsftpd || return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=ok PORT=ok" "" EPSV 0 \
                '.server_address == "203.0.113.10:21"' '.local_address | startswith("192.0.2.10:")' \
                '.server_software == "vsftpd"' '.passive_ports.min >= 40000 and .passive_ports.max <= 40015'
            ;;
        client-nat)
            topology private public && client_nat && start_server "$name" vsftpd || return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=refused PORT=refused" "client-private-address server-refused-port" EPSV 0 \
                '.modes[3].reply | startswith("500 Illegal PORT")' '.local_address | startswith("10.0.1.10:")'
            ;;
        client-nat-ftp-helper)
            topology private public && client_nat && start_server "$name" vsftpd || return 1
            if ! client_ftp_helper 2>"$scratch/helper.err"; then
                skip "$name" "the kernel's FTP helper is not available: $(head -c 200 "$scratch/helper.err")"
                return 0
            fi
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=ok PORT=ok" "active-needs-alg client-private-address" EPSV 0 \
                '.modes[2].announced | startswith("10.0.1.10:")' '.modes[3].data_address | startswith("203.0.113.10:")'
            ;;
        client-nat-ftp-helper-ftps)
            # The same path under FTPS: the helper cannot read the encrypted PORT/EPRT, so active
            # mode fails as without it, which is what active-needs-alg warns about.
            topology private public && client_nat && start_server "$name" vsftpd-tls || return 1
            probe_tls_through_helper "$name" || return 0
            check "$name" "EPSV=ok PASV=ok EPRT=refused PORT=refused" "client-private-address server-refused-port" EPSV 0
            ;;
        client-nat-pure-ftpd)
            topology private public && client_nat && start_server "$name" pure-ftpd || return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=refused PORT=refused" "client-private-address server-refused-port" EPSV 0 \
                '.client_public_address == "198.51.100.1"' '.server_software == "pure-ftpd"'
            ;;
        client-firewall)
            topology public public && client_firewall && start_server "$name" vsftpd || return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=no-connect-back PORT=no-connect-back" "active-blocked" EPSV 0
            ;;
        server-nat-private-address)
            topology public private && server_nat && start_server "$name" vsftpd || return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=ok PORT=ok" "pasv-private-address" EPSV 0 \
                '.server_address == "198.51.100.2:21"' '.modes[1].advertised | startswith("10.0.2.10:")' \
                '.modes[1].advertised_ok == false' '.modes[1].data_address | startswith("198.51.100.2:")'
            ;;
        server-firewall-only-21)
            topology public public && server_firewall_only_21 && start_server "$name" vsftpd || return 1
            probe "$name"
            check "$name" "EPSV=connect-timeout PASV=connect-timeout EPRT=ok PORT=ok" "passive-blocked" EPRT 0
            ;;
        everything-blocked)
            topology public public && server_firewall_only_21 && client_firewall && start_server "$name" vsftpd ||
                return 1
            probe "$name"
            check "$name" "EPSV=connect-timeout PASV=connect-timeout EPRT=no-connect-back PORT=no-connect-back" \
                "active-blocked no-mode-works passive-blocked" none 10
            ;;
        ipv6)
            topology v6 v6 && start_server "$name" vsftpd || return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=unusable-reply EPRT=ok PORT=unusable-reply" "ipv6-extended-only" EPSV 0 \
                '.server_address == "[2001:db8:2::10]:21"'
            ;;
        serve-client-nat)
            # Behind NAT, no helper: ftpx serve refuses PORT/EPRT naming the private address (no
            # FTP bounce) and says where it saw the client: the public address is a fact.
            topology private public && client_nat && start_server "$name" ftpx-serve || return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=refused PORT=refused" \
                "client-behind-nat client-private-address server-refused-port" EPSV 0 \
                '.server_echo == true' '.client_public_address == "198.51.100.1"' '.behind_nat == true' \
                '.modes[0].echo.control_peer | startswith("198.51.100.1:")' \
                '.modes[0].echo.passive_from[0] | startswith("198.51.100.1:")' \
                '.modes[3].echo.received | startswith("10,0,1,10,")' '.modes[3].echo.rewritten == false' \
                '.modes[2].echo.received | startswith("|1|10.0.1.10|")'
            ;;
        serve-client-nat-ftp-helper)
            # The kernel's helper rewrites PORT/EPRT to the router's address: the server's echo
            # shows the argument as received, so the rewrite is a fact naming both addresses.
            topology private public && client_nat && start_server "$name" ftpx-serve || return 1
            if ! client_ftp_helper 2>"$scratch/helper.err"; then
                skip "$name" "the kernel's FTP helper is not available: $(head -c 200 "$scratch/helper.err")"
                return 0
            fi
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=ok PORT=ok" \
                "active-needs-alg client-behind-nat client-private-address port-rewritten" EPSV 0 \
                '.client_public_address == "198.51.100.1"' '.behind_nat == true' \
                '.modes[3].echo.sent | startswith("10,0,1,10,")' \
                '.modes[3].echo.received | startswith("198,51,100,1,")' \
                '.modes[3].echo.received_target | startswith("198.51.100.1:")' '.modes[3].echo.rewritten' \
                '.modes[2].echo.sent | startswith("|1|10.0.1.10|")' \
                '.modes[2].echo.received | startswith("|1|198.51.100.1|")' '.modes[2].echo.rewritten' \
                '.findings[] | select(.code == "port-rewritten") | .message |
                    test("PORT: this machine sent PORT 10,0,1,10,[0-9,]+ \\(10\\.0\\.1\\.10:[0-9]+\\), and the server received PORT 198,51,100,1,[0-9,]+ \\(198\\.51\\.100\\.1:[0-9]+\\)")'
            ;;
        serve-client-nat-ftp-helper-ftps)
            # The same under TLS: the helper cannot read the encrypted PORT/EPRT, which arrive as
            # sent and are refused; the plain-FTP comparison shows the rewrite.
            topology private public && client_nat && start_server "$name" ftpx-serve-tls || return 1
            probe_tls_through_helper "$name" || return 0
            check "$name" "EPSV=ok PASV=ok EPRT=refused PORT=refused" \
                "active-needs-alg client-behind-nat client-private-address port-rewritten server-refused-port" \
                EPSV 0 '.tls == true' '.client_public_address == "198.51.100.1"' '.behind_nat == true' \
                '.modes[3].echo.received | startswith("10,0,1,10,")' '.modes[3].echo.rewritten == false' \
                '.modes[3].plain_ok == true' '.modes[3].plain_echo.received | startswith("198,51,100,1,")' \
                '.modes[3].plain_echo.rewritten' '.modes[2].plain_echo.received | startswith("|1|198.51.100.1|")' \
                '.findings[] | select(.code == "port-rewritten") | .message |
                    test("PORT in plain FTP: this machine sent PORT 10,0,1,10,[0-9,]+ \\(10\\.0\\.1\\.10:[0-9]+\\), and the server received PORT 198,51,100,1,")'
            ;;
        serve-server-nat)
            # ftpx serve behind NAT, advertising its public address; the client is public: no NAT
            # on the client's side, every mode works, and the echo says so.
            topology public private && server_nat && serve_public=198.51.100.2 start_server "$name" ftpx-serve ||
                return 1
            probe "$name"
            check "$name" "EPSV=ok PASV=ok EPRT=ok PORT=ok" "" EPSV 0 \
                '.server_address == "198.51.100.2:21"' '.modes[1].advertised | startswith("198.51.100.2:")' \
                '.client_public_address == "192.0.2.10"' '.behind_nat == false' \
                '.modes[3].echo.rewritten == false' '.modes[3].echo.connect == "ok"'
            ;;
        *)
            fail "$name" "no such scenario (known: ${all_scenarios[*]})"
            ;;
    esac
}

for name in "${scenarios[@]}"; do
    if ! scenario "$name"; then
        fail "$name" "could not build the scenario"
        if [[ -n ${server_dir:-} ]]; then lab_show_logs "${server_dir##*/}" >&2; fi
    fi
    server_dir=
    server_anonymous=
    lab_ns_teardown
done
finish
