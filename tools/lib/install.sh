# Sourced by the build scripts in tools/: installs Debian packages that are
# missing, as root or with sudo (never a password prompt nobody can answer).
#
#   install_missing TAG [--arch ARCH] PACKAGE...   TAG names the script in messages
#   add_deb_src TAG                                 lets apt-get source work

# The command prefix that runs as root: nothing, sudo -n, or a failure.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo -n "$@"
    else
        echo "not root and no sudo to run: $*" >&2
        return 1
    fi
}

install_missing() {
    local tag=$1 arch="" missing=() p
    shift
    if [ "${1:-}" = --arch ]; then
        arch=$2
        shift 2
    fi
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "$tag: installing ${missing[*]}" >&2
    if [ -n "$arch" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        as_root dpkg --add-architecture "$arch" || return 1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A deb-src twin of the configured mirror's entry (deb822 or one-line), so
# that apt-get source finds Debian's source packages. Nothing is done where
# apt already has source indexes (ours from an earlier run, or the
# system's).
add_deb_src() {
    local tag=$1 list=/etc/apt/sources.list.d/digitpad-src.sources
    if [ -f "$list" ] || [ -f /etc/apt/sources.list.d/digitpad-src.list ] ||
        apt-get indextargets --format '$(CREATED_BY)' 2>/dev/null | grep -qx Sources; then
        return 0
    fi
    local stanza
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        stanza=$(awk 'BEGIN{RS="";FS="\n"} /^Types:.*deb/ {print; exit}' /etc/apt/sources.list.d/debian.sources |
                 sed 's/^Types:.*/Types: deb-src/')
    elif grep -qs '^deb ' /etc/apt/sources.list; then
        stanza=$(grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /')
        list=/etc/apt/sources.list.d/digitpad-src.list
    fi
    [ -n "${stanza:-}" ] || { echo "$tag: no Debian mirror configured to take sources from" >&2; return 1; }
    echo "$tag: adding a deb-src entry ($list)" >&2
    printf '%s\n' "$stanza" | as_root tee "$list" >/dev/null &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
}
