#!/usr/bin/env bash
# Starts lab servers by hand, for trying ftpx against them (root; run setup.sh once first).
#
#   tests/lab/servers.sh [SERVER...]                 start them, print their URLs, wait for Enter
#   tests/lab/servers.sh [SERVER...] -- COMMAND...   start them, run COMMAND, stop them
#
# SERVER is vsftpd, proftpd, pure-ftpd, twisted, pyftpdlib or ftp-srv (default: all six; see
# README.md for how the last three differ), or a TLS variant: vsftpd-tls,
# vsftpd-implicit, proftpd-tls, pure-ftpd-tls. COMMAND sees each server's URL in LAB_URL_VSFTPD,
# LAB_URL_VSFTPD_TLS, ... and its served directory in LAB_FILES_*, and with a TLS server the lab
# CA's certificate in LAB_CA, e.g.
#   tests/lab/servers.sh vsftpd -- sh -c 'ftpx -d ls "$LAB_URL_VSFTPD/"'
#   tests/lab/servers.sh vsftpd-tls -- sh -c 'ftpx -d --cacert "$LAB_CA" ls "$LAB_URL_VSFTPD_TLS/"'
# The servers, their configs and logs live in a temp dir that is removed at the end (LAB_KEEP=1
# keeps it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

names=()
while (($# > 0)) && [[ $1 != -- ]]; do
    names+=("$1")
    shift
done
[[ ${1:-} == -- ]] && shift
((${#names[@]} > 0)) || names=("${LAB_SERVERS[@]}")

if [[ $(id -u) -ne 0 ]]; then
    echo "servers.sh: needs root" >&2
    exit 1
fi
if [[ ! -x $VSFTPD_BIN || ! -x $PROFTPD_BIN || ! -x $PUREFTPD_BIN || ! -x $LAB_VENV/bin/python ||
    ! -d $LAB_NODE_PREFIX/node_modules/ftp-srv ]]; then
    echo "servers.sh: the servers are not unpacked; run tests/lab/setup.sh first" >&2
    exit 1
fi

lab_init
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

for name in "${names[@]}"; do
    lab_start "$name"
    var=$(echo "$name" | tr 'a-z-' 'A-Z_')
    export "LAB_URL_$var=$(lab_url "$name")" "LAB_FILES_$var=$(lab_files "$name")"
    echo "$name: $(lab_url "$name")/  passive ports ${LAB_PASV[$name]}  files $(lab_files "$name")" >&2
done
if [[ -n ${LAB_CA:-} ]]; then
    export LAB_CA
    echo "TLS: trust the lab's CA with --cacert $LAB_CA" >&2
fi

if (($# > 0)); then
    "$@"
else
    echo "logs and configs in $LAB_TMP; Enter or Ctrl-C stops the servers" >&2
    read -r _ || true
fi
