#!/usr/bin/env bash
# Prepares this machine for the real-server lab (tests/lab/run.sh) and bench/transfer.sh.
#
# Needs root. Idempotent: a second run finds everything in place and does nothing.
#
# - Installs the client-side tools (curl, lftp, GNU time, iproute2's ss) and the shared libraries
#   the three servers link against, with apt-get.
# - Fetches vsftpd, proftpd and pure-ftpd with `apt-get download` and unpacks each with `dpkg -x`
#   into tests/lab/.cache/servers/<server>/. Debian's three server packages conflict with one another
#   (each Provides and Conflicts ftp-server), and installing one would also start it as a system
#   service on port 21; unpacked, they sit side by side and run only when the lab starts them.
# - Makes a Python venv (Debian's python3) with Twisted and pyftpdlib from PyPI, and an npm prefix
#   with ftp-srv, each pinned (lib.sh: LAB_PYPI_PINS, LAB_NPM_PIN), run by the launchers in launch/.
# - Creates the lab's login user and a PAM service for it (see lib.sh for the name and password).
#
# Environment: LAB_REFRESH=1 re-downloads and re-unpacks the servers.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

if [[ $(id -u) -ne 0 ]]; then
    echo "setup.sh: the lab needs root (apt-get, useradd, servers that switch users)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Client tools, and the libraries the unpacked servers need that a bare bookworm may lack
# (vsftpd: libwrap0; proftpd: libhiredis, libmemcached, libpcre2-posix; pure-ftpd: libsodium).
apt_packages=(
    curl lftp jq time iproute2 procps passwd openssl util-linux python3 python3-venv
    libpam-modules libpam-runtime libcap2 libssl3 libwrap0
    libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3 libsodium23 libacl1 libidn2-0
)
# Node and npm may come from elsewhere than Debian (an image's own nodejs with npm inside, which
# Debian's npm package conflicts with): asked of apt only when npm is not there at all.
command -v npm >/dev/null || apt_packages+=(nodejs npm)
missing=()
for p in "${apt_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
# A tree is unpacked again when its record of versions is missing (first run, or interrupted).
stale=()
for t in "${LAB_TREES[@]}"; do
    if [[ ${LAB_REFRESH:-} == 1 || ! -e $LAB_ROOTS/$t/.versions ]]; then
        stale+=("$t")
    fi
done

if ((${#missing[@]} > 0 || ${#stale[@]} > 0)); then
    echo "setup: apt-get update"
    apt-get update -qq
fi
if ((${#missing[@]} > 0)); then
    echo "setup: installing ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for t in "${stale[@]}"; do
    rm -rf "${LAB_ROOTS:?}/$t"
    if [[ $t == python ]]; then
        echo "setup: venv with ${LAB_PYPI_PINS[*]}"
        /usr/bin/python3 -m venv "$LAB_VENV"
        "$LAB_VENV/bin/pip" install -q --disable-pip-version-check "${LAB_PYPI_PINS[@]}"
        "$LAB_VENV/bin/pip" list --format=freeze 2>/dev/null |
            grep -Ei '^(twisted|pyftpdlib)==' | tr '=' ' ' | tr -s ' ' >"$LAB_ROOTS/$t/.versions"
        continue
    fi
    if [[ $t == ftp-srv ]]; then
        echo "setup: npm install $LAB_NPM_PIN"
        mkdir -p "$LAB_NODE_PREFIX"
        npm install --silent --no-audit --no-fund --prefix "$LAB_NODE_PREFIX" "$LAB_NPM_PIN" >/dev/null
        echo "ftp-srv $(node -p 'require(process.argv[1]).version' \
            "$LAB_NODE_PREFIX/node_modules/ftp-srv/package.json")" >"$LAB_ROOTS/$t/.versions"
        continue
    fi
    read -ra debs <<<"${LAB_TREE_DEBS[$t]}"
    mkdir -p "$LAB_DEBS"
    for p in "${debs[@]}"; do
        rm -f "$LAB_DEBS/${p}_"*.deb
    done
    echo "setup: downloading ${debs[*]}"
    # apt-get download writes into the current directory; when its _apt sandbox user cannot write
    # there it downloads as root instead and warns about it, which is fine here.
    (cd "$LAB_DEBS" && apt-get download -qq "${debs[@]}" 2>&1 | { grep -v unsandboxed || true; })
    mkdir -p "$LAB_ROOTS/$t"
    versions=""
    for p in "${debs[@]}"; do
        deb=$(find "$LAB_DEBS" -maxdepth 1 -name "${p}_*.deb" | head -n 1)
        [[ -n $deb ]] || { echo "setup: apt-get download $p gave no file" >&2; exit 1; }
        dpkg -x "$deb" "$LAB_ROOTS/$t"
        versions+="$p $(dpkg-deb -f "$deb" Version)"$'\n'
    done
    # Written last: its presence means the tree is complete.
    printf '%s' "$versions" >"$LAB_ROOTS/$t/.versions"
    echo "setup: unpacked $t: $(tr '\n' ' ' <"$LAB_ROOTS/$t/.versions")"
done

# The login user: a real system account, so that vsftpd (through PAM) and proftpd (through
# /etc/shadow) check a real password. pure-ftpd maps its virtual user onto this account's uid.
# The home directory must exist: vsftpd changes into it before it changes into local_root.
if ! id "$LAB_USER" >/dev/null 2>&1; then
    useradd --create-home --shell /usr/sbin/nologin --comment "ftpx lab login" "$LAB_USER"
    echo "setup: created user $LAB_USER"
fi
home=$(getent passwd "$LAB_USER" | cut -d: -f6)
if [[ ! -d $home ]]; then
    install -d -o "$LAB_USER" -g "$(id -g "$LAB_USER")" -m 755 "$home"
fi
# Set the password every time: cheap, and it repairs a user left with another one.
echo "$LAB_USER:$LAB_PASS" | chpasswd

# The launch/ servers run as the lab user when it can reach their scripts and trees (lib.sh).
if ! lab_user_reaches_launchers; then
    echo "setup: note: $LAB_USER cannot reach $LAB_DIR (a parent directory closed to others);" \
        "the PyPI and npm servers will run as root" >&2
fi

# vsftpd authenticates through PAM. Debian's own /etc/pam.d/vsftpd comes with the package we did
# not install, and also rejects users whose shell is not in /etc/shells; this service checks the
# password and account only.
pam_file=/etc/pam.d/$LAB_PAM_SERVICE
pam_text='# Written by ftpx tests/lab/setup.sh: password login for the lab user.
auth     required pam_unix.so
account  required pam_unix.so
session  required pam_permit.so'
if [[ ! -e $pam_file ]] || [[ $(cat "$pam_file") != "$pam_text" ]]; then
    printf '%s\n' "$pam_text" >"$pam_file"
    echo "setup: wrote $pam_file"
fi

# Make sure every server binary runs here (all libraries found).
for bin in "$VSFTPD_BIN" "$PROFTPD_BIN" "$PUREFTPD_BIN" "$PUREPW_BIN"; do
    if ldd "$bin" | grep -q 'not found'; then
        echo "setup: $bin is missing libraries:" >&2
        ldd "$bin" | grep 'not found' >&2
        exit 1
    fi
done
echo "setup: ready ($(lab_server_versions | tr '\n' ' '))"
