#!/usr/bin/env bash
# Installs what the kernel oracle needs and fetches the oracle kernels into .cache/oracle/kernels/.
#
#   tools/oracle/setup.sh            # idempotent: does nothing (in well under a second) once everything is cached
#   tools/oracle/setup.sh --refresh  # forget the cached kernels and fetch them again
#
# Tools: qemu-system-x86 (TCG; KVM is not needed), busybox-static, cpio, gcc, from the system's apt sources.
# Kernels: Debian's stock kernels (soft-dirty, io_uring and userfaultfd built in), unpacked with
# `apt-get download` + `dpkg -x`; nothing is installed into the system. Bullseye's 5.10 comes through a
# private apt configuration under .cache/oracle/apt-bullseye/: the system's sources are never touched.
#
# Each kernel folder gets kernel.env (SERIES, PACKAGE, DEBIAN_VERSION, VERSION, VMLINUZ, CONFIG, CHANGELOG),
# and .cache/oracle/kernels.tsv lists them all for the C# side (OracleKernels).
#
# Pinned packages are the ones the spec's "observed" statements were made on (kernel-semantics.md section 0);
# override with ORACLE_PKG_5_10=..., ORACLE_PKG_6_1=..., ORACLE_PKG_6_12=... When a pinned package has left
# the archive the newest one of the same series is taken, with a warning.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${MMREPLAY_ORACLE_CACHE:-$root/.cache/oracle}
kernels=$cache/kernels
refresh=0
[ "${1:-}" = "--refresh" ] && refresh=1

log() { echo "oracle-setup: $*" >&2; }

apt_updated=0
system_apt_update() {
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        apt-get update -qq
        apt_updated=1
    fi
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- tools --------------------------------------------------------------------------------------------
missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
# Only busybox-static gives a binary that runs in an initramfs with no libc.
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "ok installed" || missing+=(busybox-static)
command -v cpio >/dev/null || missing+=(cpio)
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] && apt_updated=0
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    apt_updated=1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# --- kernels ------------------------------------------------------------------------------------------
mkdir -p "$kernels"

# Private apt configuration for bullseye: its own sources.list, lists and cache folders.
bullseye=$cache/apt-bullseye
bullseye_opts=(
    -o "Dir::Etc::SourceList=$bullseye/sources.list"
    -o "Dir::Etc::SourceParts=$bullseye/sources.list.d"
    -o "Dir::State::Lists=$bullseye/lists"
    -o "Dir::Cache=$bullseye/cache"
    -o "Dir::State::status=$bullseye/status"
    -o "APT::Architecture=amd64"
)
bullseye_updated=0
bullseye_apt_update() {
    [ "$bullseye_updated" -eq 1 ] && return
    mkdir -p "$bullseye/sources.list.d" "$bullseye/lists/partial" "$bullseye/cache/archives/partial"
    touch "$bullseye/status"
    cat > "$bullseye/sources.list" <<'EOF'
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bullseye main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bullseye-updates main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bullseye-security main
EOF
    log "apt-get update (private bullseye lists)"
    apt-get "${bullseye_opts[@]}" update -qq
    bullseye_updated=1
}

# pick SERIES PINNED NAME_REGEX APT_OPTS...: prints the package to fetch.
pick() {
    local series=$1 pinned=$2 regex=$3; shift 3
    if apt-cache "$@" show "$pinned" >/dev/null 2>&1; then
        echo "$pinned"
        return
    fi
    local newest
    newest=$(apt-cache "$@" search --names-only "$regex" | cut -d' ' -f1 | sort -V | tail -1)
    if [ -z "$newest" ]; then
        log "no package matches $regex for linux-$series"
        exit 1
    fi
    log "warning: $pinned is not in the archive; taking $newest for linux-$series"
    echo "$newest"
}

# fetch SERIES PINNED NAME_REGEX APT_OPTS...
fetch() {
    local series=$1 pinned=$2 regex=$3; shift 3
    local dir=$kernels/linux-$series
    if [ "$refresh" -eq 0 ] && [ -f "$dir/kernel.env" ]; then
        # shellcheck disable=SC1091
        ( . "$dir/kernel.env"; [ -f "$VMLINUZ" ] ) && return
    fi
    if [ ${#@} -eq 0 ]; then system_apt_update; else bullseye_apt_update; fi
    local pkg
    pkg=$(pick "$series" "$pinned" "$regex" "$@")
    local work
    work=$(mktemp -d "$kernels/.fetch.XXXXXX")
    log "downloading $pkg"
    # apt drops to the _apt user to download unless the target folder is its own; ours is private to root.
    (cd "$work" && apt-get "$@" -o APT::Sandbox::User=root download -qq "$pkg" >&2)
    local deb
    deb=$(ls "$work"/*.deb)
    dpkg-deb -x "$deb" "$work/root"
    local debver
    debver=$(dpkg-deb -f "$deb" Version)
    rm -f "$deb"
    # The package ships boot/vmlinuz-<abi>, boot/config-<abi> and usr/share/doc/<pkg>/changelog.Debian.gz;
    # modules are never loaded (every feature the oracle uses is built in: see docs/oracle.md).
    rm -rf "$work/root/lib/modules" "$work/root/usr/lib/modules"
    rm -rf "$dir"
    mv "$work" "$dir"
    local vmlinuz config changelog
    vmlinuz=$(ls "$dir"/root/boot/vmlinuz-*)
    config=$(ls "$dir"/root/boot/config-*)
    changelog=$(ls "$dir"/root/usr/share/doc/*/changelog.Debian.gz 2>/dev/null | head -1 || true)
    cat > "$dir/kernel.env.tmp" <<EOF
SERIES=$series
PACKAGE=$pkg
DEBIAN_VERSION=$debver
VERSION=${debver%%-*}
VMLINUZ=$vmlinuz
CONFIG=$config
CHANGELOG=$changelog
EOF
    mv "$dir/kernel.env.tmp" "$dir/kernel.env"
    log "linux-$series: $pkg ($debver)"
}

fetch 6.1 "${ORACLE_PKG_6_1:-linux-image-6.1.0-56-amd64-unsigned}" '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$'
fetch 6.12 "${ORACLE_PKG_6_12:-linux-image-6.12.107+deb12-amd64-unsigned}" '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$'
fetch 5.10 "${ORACLE_PKG_5_10:-linux-image-5.10.0-32-amd64-unsigned}" '^linux-image-5\.10\.0-[0-9]+-amd64-unsigned$' "${bullseye_opts[@]}"

# The features the oracle relies on must be built in (=y), since no modules are loaded in the guest.
for env in "$kernels"/linux-*/kernel.env; do
    # shellcheck disable=SC1090
    . "$env"
    for option in CONFIG_MEM_SOFT_DIRTY CONFIG_IO_URING CONFIG_USERFAULTFD CONFIG_BLK_DEV_INITRD CONFIG_SERIAL_8250_CONSOLE CONFIG_TMPFS CONFIG_PROC_FS; do
        grep -q "^$option=y" "$CONFIG" || { log "linux-$SERIES: $option is not built in ($CONFIG)"; exit 1; }
    done
done

# One table for the C# side: series, package, version, debian version, vmlinuz, changelog.
{
    printf 'series\tpackage\tversion\tdebian_version\tvmlinuz\tconfig\tchangelog\n'
    for env in "$kernels"/linux-*/kernel.env; do
        # shellcheck disable=SC1090
        . "$env"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SERIES" "$PACKAGE" "$VERSION" "$DEBIAN_VERSION" "$VMLINUZ" "$CONFIG" "$CHANGELOG"
    done
} > "$cache/kernels.tsv.tmp"
mv "$cache/kernels.tsv.tmp" "$cache/kernels.tsv"
cat "$cache/kernels.tsv" >&2
