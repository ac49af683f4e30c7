#!/usr/bin/env bash
# Prints the lab's server tables (tests/lab/README.md) as Markdown: for each server and mode, what
# put, get and ls did with ftpx, curl and lftp (run.sh's plain group with each client), and what
# `ftpx probe` said of that mode (run.sh's probe group); then, per server, resumed transfers. Root, like run.sh; takes a few minutes.
#
#   tests/lab/table.sh                 # every server
#   LAB_ONLY="twisted ftp-srv" tests/lab/table.sh
# Environment: FTPX=PATH as in run.sh; LAB_SKIP_SETUP=1.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
logs=$(mktemp -d "${TMPDIR:-/tmp}/ftpx-lab-table.XXXXXX")
trap 'rm -rf "$logs"' EXIT

if [[ ${LAB_SKIP_SETUP:-} != 1 ]]; then
    "$here/setup.sh" </dev/null >/dev/null || exit 1
fi
for client in ftpx curl lftp; do
    groups=plain
    [[ $client == ftpx ]] && groups="plain probe"
    LAB_SKIP_SETUP=1 LAB_CLIENT=$client LAB_GROUPS=$groups "$here/run.sh" </dev/null >"$logs/$client.log" 2>&1
    echo "table: $client: $(tail -n 1 "$logs/$client.log")" >&2
done

# cell CLIENT SERVER MODE: "put get ls" each as ok, FAIL or a skip's reason, squeezed to one word
# when all agree.
cell() {
    awk -v s="$2" -v m="$3" '
        $1 == "skip" && $2 == s "/" m { r = $0; sub(/^skip [^ ]+ \(/, "", r); sub(/\)$/, "", r); print "n/a: " r; done = 1; exit }
        ($1 == "ok" || $1 == "FAIL") {
            split($2, p, "/")
            if (p[1] == s && p[2] == m && (p[3] == "put" || p[3] == "get" || p[3] == "ls" || p[3] == "refused"))
                res[p[3]] = ($1 == "ok") ? "ok" : "FAIL"
        }
        END {
            if (done) exit
            if ("refused" in res) { print (res["refused"] == "ok" ? "refused (500)" : "FAIL"); exit }
            if (res["put"] == "ok" && res["get"] == "ok" && res["ls"] == "ok") { print "ok"; exit }
            out = ""
            for (k in res) if (res[k] != "ok") out = out k " "
            print (out == "" ? "-" : "FAIL: " out)
        }' "$logs/$1.log"
}

# probe SERVER MODE: the probe's verdict of MODE on SERVER.
probe() {
    local m
    m=${2^^}
    grep "^# probe $1: " "$logs/ftpx.log" | sed -E "s/^# probe $1: //" | tr ';' '\n' |
        sed -E 's/^ //' | awk -v m="$m" '$1 == m { sub(/^[^ ]+ /, ""); print }'
}
recommended() {
    grep "^# probe $1: " "$logs/ftpx.log" | sed -E 's/.*recommended //'
}

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
read -ra servers <<<"${LAB_ONLY:-${LAB_SERVERS[*]}}"
{
    echo "| server | mode | ftpx | curl | lftp | ftpx probe says | probe recommends |"
    echo "|---|---|---|---|---|---|---|"
    for s in "${servers[@]}"; do
        for m in epsv pasv eprt port; do
            echo "| $s | ${m^^} | $(cell ftpx "$s" "$m") | $(cell curl "$s" "$m") | $(cell lftp "$s" "$m") | $(probe "$s" "$m") | $(recommended "$s") |"
        done
    done
} | awk -F' [|] ' '
    # Each skip reason once, as a numbered note under the table.
    {
        line = $0
        while (match(line, /n\/a: [^|]*[^| ]/)) {
            r = substr(line, RSTART + 5, RLENGTH - 5)
            if (!(r in note)) { note[r] = ++n; text[n] = r }
            line = substr(line, 1, RSTART - 1) "n/a [" note[r] "]" substr(line, RSTART + RLENGTH)
        }
        print line
    }
    END { if (n) print ""; for (i = 1; i <= n; i++) printf "[%d] %s.\n", i, text[i] }'

# Resuming, once per server: a check named SERVER/resume-get[/no-rest] is ok or FAIL.
resume() {
    awk -v c="$2" '($1 == "ok" || $1 == "FAIL") && index($2, c) == 1 {
        n = split($2, p, "/"); print ($1 == "ok" ? (n > 2 ? "refused, partial kept (" p[3] ")" : "ok") : "FAIL"); exit
    }' "$logs/$1.log"
}
echo
echo "| server | get -c, ftpx | get -c, curl | put -c, ftpx | put -c, curl |"
echo "|---|---|---|---|---|"
for s in "${servers[@]}"; do
    echo "| $s | $(resume ftpx "$s/resume-get") | $(resume curl "$s/resume-get") | $(resume ftpx "$s/resume-put") | $(resume curl "$s/resume-put") |"
done
