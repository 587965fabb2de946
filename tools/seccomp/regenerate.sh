#!/usr/bin/env bash
# Rebuilds the seccomp filters committed under src/sandbox/seccomp/ from gen-seccomp.c.
# Needs a C compiler and libseccomp's headers (Debian: apt-get install gcc libseccomp-dev).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../src/sandbox/seccomp"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
cc -O2 -Wall -Wextra -Werror -o "$build/gen-seccomp" "$here/gen-seccomp.c" -lseccomp
for arch in x86_64 aarch64; do
  "$build/gen-seccomp" "$arch" "$out/$arch.bpf" "$out/$arch.pfc"
done
echo "wrote $(cd "$out" && ls ./*.bpf ./*.pfc | tr '\n' ' ')"
