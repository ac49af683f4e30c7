#!/usr/bin/env bash
# Starts lab servers by hand, for trying ftpx against them (root; run setup.sh once first).
#
#   tests/lab/servers.sh [SERVER...]                 start them, print their URLs, wait for Enter
#   tests/lab/servers.sh [SERVER...] -- COMMAND...   start them, run COMMAND, stop them
#
# SERVER is vsftpd, proftpd or pure-ftpd (default: all three). COMMAND sees each server's URL in
# LAB_URL_VSFTPD, LAB_URL_PROFTPD, LAB_URL_PURE_FTPD and its served directory in LAB_FILES_*, e.g.
#   tests/lab/servers.sh vsftpd -- sh -c 'ftpx -d ls "$LAB_URL_VSFTPD/"'
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
if [[ ! -x $VSFTPD_BIN || ! -x $PROFTPD_BIN || ! -x $PUREFTPD_BIN ]]; then
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

if (($# > 0)); then
    "$@"
else
    echo "logs and configs in $LAB_TMP; Enter or Ctrl-C stops the servers" >&2
    read -r _ || true
fi
