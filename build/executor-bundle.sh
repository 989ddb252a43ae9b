#!/usr/bin/env bash
# Turns a published linux-x64 (glibc) Native AOT kube-runner-executor into a bundle that starts in any
# x86-64 Linux image, whatever its libc and even with no shell: the binary, plus the glibc dynamic
# loader and exactly the shared libraries it needs, with the binary's ELF interpreter pointing into
# the bundle. See docs/adr/0005-executor-binary.md.
#
#   build/executor-bundle.sh PUBLISHED_BINARY OUTPUT_DIR
#
# The bundle must be placed at /__kube-runner in the container (the kernel needs an absolute
# interpreter path); the libraries are found through DT_RPATH=$ORIGIN/lib, which is searched before
# LD_LIBRARY_PATH, so an image's LD_LIBRARY_PATH cannot swap in a foreign libc. Nothing is set in the
# environment, so the executor's children see the image's own loader and libraries.
set -euo pipefail

readonly mount_path=/__kube-runner
binary=${1:?usage: executor-bundle.sh PUBLISHED_BINARY OUTPUT_DIR}
out=$(realpath -m "${2:?usage: executor-bundle.sh PUBLISHED_BINARY OUTPUT_DIR}")
name=$(basename "$binary")

for tool in patchelf ldd readelf; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "executor-bundle: '$tool' is missing (apt-get install patchelf binutils libc-bin)" >&2
        exit 1
    }
done

interpreter=$(patchelf --print-interpreter "$binary")
case $interpreter in
    */ld-linux-x86-64.so.2) ;;
    *) echo "executor-bundle: $binary has interpreter '$interpreter', expected the glibc x86-64 loader" >&2; exit 1 ;;
esac

# Built in a sibling directory and swapped in, so an interrupted run never leaves a half bundle.
mkdir -p "$(dirname "$out")"
staging=$(mktemp -d "$(dirname "$out")/.executor-bundle.XXXXXX")
trap 'rm -rf "$staging"' EXIT
chmod 0755 "$staging"
mkdir -p "$staging/lib"

# `ldd` lists the transitive closure resolved the way the host's loader would; copying the resolved
# files (not the symlinks) under their soname keeps the bundle self-contained.
while read -r soname arrow path _; do
    if [[ $arrow == "=>" && -n $path && $path == /* ]]; then
        cp -L "$path" "$staging/lib/$soname"
    elif [[ $arrow == "=>" ]]; then
        echo "executor-bundle: $binary needs $soname, which the host cannot resolve" >&2
        exit 1
    fi
done < <(ldd "$binary")
cp -L "$interpreter" "$staging/lib/ld-linux-x86-64.so.2"

cp "$binary" "$staging/$name"
patchelf --set-interpreter "$mount_path/lib/ld-linux-x86-64.so.2" \
         --force-rpath --set-rpath '$ORIGIN/lib' "$staging/$name"
chmod 0755 "$staging/$name" "$staging/lib/"*

# Self-check without a container: the bundled loader lists what it would load for the patched binary;
# every library must come from the bundle.
listing=$("$staging/lib/ld-linux-x86-64.so.2" --list "$staging/$name")
while read -r soname arrow path _; do
    if [[ $arrow == "=>" && $path != "$staging/lib/"* ]]; then
        echo "executor-bundle: $soname would load from '$path', outside the bundle" >&2
        exit 1
    fi
done <<<"$listing"

rm -rf "$out"
mv "$staging" "$out"
trap - EXIT
echo "executor-bundle: $out ($(du -sh "$out" | cut -f1)): $(cd "$out" && find . -type f | sort | tr '\n' ' ')"
