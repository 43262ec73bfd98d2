#!/usr/bin/env bash
# Downloads the four MNIST .gz files and verifies each before it lands in
# place: a download goes to a temporary file in DEST_DIR and is renamed over
# the final name only once its checksum matches, so DEST_DIR never holds a
# partial or corrupt file under a real name.
set -u

usage() {
    cat <<EOF
Usage: $0 [--mirror URL] [DEST_DIR]

Downloads the MNIST training and test files into DEST_DIR
(default: \${XDG_DATA_HOME:-\$HOME/.local/share}/digitpad/mnist):
  ${FILES[*]}

Each file is verified (md5 of the original .gz, or sha256 of its
uncompressed content) before it is moved into place; files already present
and valid are skipped. Exits non-zero if any file is missing or invalid.

Options:
  --mirror URL   base URL to download from (also: env MNIST_MIRROR); file://
                 URLs work. Default: try each of
                   ${DEFAULT_MIRRORS[*]}
  -h, --help     show this help

Point DIGITPAD_MNIST at DEST_DIR to let the tests use the data.
EOF
}

FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz
       t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
DEFAULT_MIRRORS=(https://ossci-datasets.s3.amazonaws.com/mnist/
                 https://storage.googleapis.com/cvdf-datasets/mnist/)

# Expected checksums. Mirrors serve the original .gz files (md5 below), but
# recompressed copies are equally good: their uncompressed bytes match the
# sha256 below.
md5_of_gz() {
    case "$1" in
        train-images-idx3-ubyte.gz) echo f68b3c2dcbeaaa9fbdd348bbdeb94873 ;;
        train-labels-idx1-ubyte.gz) echo d53e105ee54ea40749a09fcbcd1e9432 ;;
        t10k-images-idx3-ubyte.gz) echo 9fb629c4189551a2d022fa330f9573f3 ;;
        t10k-labels-idx1-ubyte.gz) echo ec29112dd5afa0611ce80d1b7f02629c ;;
    esac
}
sha256_of_content() {
    case "$1" in
        train-images-idx3-ubyte.gz) echo ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db ;;
        train-labels-idx1-ubyte.gz) echo 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5 ;;
        t10k-images-idx3-ubyte.gz) echo 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7 ;;
        t10k-labels-idx1-ubyte.gz) echo ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2 ;;
    esac
}

die() { echo "fetch_mnist: $*" >&2; exit 2; }
say() { echo "fetch_mnist: $*" >&2; }

# Checksums from stdin, with the macOS tools as fallback.
md5_stdin() {
    if command -v md5sum >/dev/null 2>&1; then md5sum | cut -d' ' -f1
    else md5 -q; fi
}
sha256_stdin() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
    else shasum -a 256 | cut -d' ' -f1; fi
}

# True if FILE (a .gz) is the MNIST file NAME: either the original .gz bytes
# or any gzip whose uncompressed content is the original content.
valid_gz() {
    local file=$1 name=$2 sum
    [ -f "$file" ] && [ -s "$file" ] || return 1
    sum=$(md5_stdin <"$file") || return 1
    [ "$sum" = "$(md5_of_gz "$name")" ] && return 0
    # A corrupt stream makes gzip fail; pipefail turns that into a mismatch.
    sum=$(set -o pipefail; gzip -dc <"$file" 2>/dev/null | sha256_stdin) || return 1
    [ "$sum" = "$(sha256_of_content "$name")" ]
}

# True if DEST already holds NAME with the right content: the .gz, or the
# uncompressed file (the loader accepts both) when there is no .gz, since
# the loader prefers a .gz and a bad one must be replaced.
present_and_valid() {
    local dest=$1 name=$2 sum raw=$1/${2%.gz}
    [ -e "$dest/$name" ] && { valid_gz "$dest/$name" "$name"; return; }
    [ -f "$raw" ] || return 1
    sum=$(sha256_stdin <"$raw") || return 1
    [ "$sum" = "$(sha256_of_content "$name")" ]
}

# Downloads URL to FILE; non-zero on any HTTP or transfer error.
download() {
    local url=$1 file=$2
    if command -v curl >/dev/null 2>&1; then
        curl --fail --silent --show-error --location --retry 2 \
             --connect-timeout 20 -o "$file" "$url"
    elif command -v wget >/dev/null 2>&1; then
        wget --quiet --tries=3 --timeout=20 -O "$file" "$url"
    else
        say "neither curl nor wget is installed"
        return 1
    fi
}

TMP_FILE=""
cleanup() { [ -n "$TMP_FILE" ] && rm -f "$TMP_FILE"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Fetches NAME into DEST from the first mirror that serves a valid copy.
fetch_one() {
    local dest=$1 name=$2 mirror
    for mirror in "${MIRRORS[@]}"; do
        TMP_FILE=$(mktemp "$dest/.$name.XXXXXX") || { say "cannot create a temporary file in $dest"; return 1; }
        say "downloading ${mirror}${name}"
        if ! download "${mirror}${name}" "$TMP_FILE"; then
            say "$name: download from $mirror failed"
        elif ! valid_gz "$TMP_FILE" "$name"; then
            say "$name: checksum mismatch from $mirror (corrupt or not the MNIST file), discarded"
        else
            chmod 644 "$TMP_FILE"   # mktemp makes 0600; the data is not secret
            mv -f "$TMP_FILE" "$dest/$name" || { say "$name: cannot move into $dest"; return 1; }
            TMP_FILE=""
            return 0
        fi
        rm -f "$TMP_FILE"
        TMP_FILE=""
    done
    say "$name: FAILED, no mirror gave a valid copy"
    return 1
}

main() {
    local dest="" mirror=${MNIST_MIRROR:-}
    while [ $# -gt 0 ]; do
        case "$1" in
            -h|--help) usage; exit 0 ;;
            --mirror) [ $# -ge 2 ] || die "--mirror needs a URL"; mirror=$2; shift 2 ;;
            --mirror=*) mirror=${1#--mirror=}; shift ;;
            -*) die "unknown option: $1 (see --help)" ;;
            *) [ -z "$dest" ] || die "only one DEST_DIR may be given (see --help)"
               dest=$1; shift ;;
        esac
    done
    dest=${dest:-${XDG_DATA_HOME:-$HOME/.local/share}/digitpad/mnist}
    if [ -n "$mirror" ]; then
        MIRRORS=("${mirror%/}/")
    else
        MIRRORS=("${DEFAULT_MIRRORS[@]}")
    fi
    command -v gzip >/dev/null 2>&1 || die "gzip is required to verify downloads"
    mkdir -p "$dest" || die "cannot create $dest"

    local name failed=0
    for name in "${FILES[@]}"; do
        if present_and_valid "$dest" "$name"; then
            say "$name: already present and valid"
        elif ! fetch_one "$dest" "$name"; then
            failed=$((failed + 1))
        fi
    done
    if [ "$failed" -ne 0 ]; then
        say "$failed of ${#FILES[@]} files could not be fetched into $dest"
        exit 1
    fi
    say "MNIST is complete in $dest (use DIGITPAD_MNIST=$dest)"
}

main "$@"
