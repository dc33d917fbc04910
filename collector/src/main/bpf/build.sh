#!/usr/bin/env bash
# Builds the eBPF objects beside their sources (flowtel.bpf.c -> flowtel.bpf.o), reproducibly:
# the same source and clang give the same bytes (no paths, no DWARF; BTF is kept, libbpf needs it).
# The objects are committed, so neither the Java build nor a fresh machine needs clang.
#
#   build.sh           build and write the objects here
#   build.sh --check   build into a temp dir, fail when a committed object differs from its source
#
# When clang is missing and we run as root, installs clang, llvm, libbpf-dev and linux-libc-dev.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-build}"
case "$mode" in
  build|--check) ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

need_tools() {
  command -v clang >/dev/null && command -v llvm-strip >/dev/null && [[ -f /usr/include/bpf/bpf_helpers.h ]] \
    && [[ -f /usr/include/linux/bpf.h ]]
}
if ! need_tools; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "build.sh: clang, llvm-strip and libbpf-dev headers are needed; install them (apt-get install clang llvm libbpf-dev linux-libc-dev) or run as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang llvm libbpf-dev linux-libc-dev >/dev/null
fi

multiarch="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
out="$here"
if [[ "$mode" == --check ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
fi

status=0
for src in "$here"/*.bpf.c; do
  name="$(basename "$src" .c)"
  # -fdebug-prefix-map and a relative source name keep the build directory out of the object.
  (cd "$here" && clang -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
      -I/usr/include/"$multiarch" -fdebug-prefix-map="$here"=. -fno-ident \
      -c "$(basename "$src")" -o "$out/$name.o.tmp")
  # Drops DWARF, keeps .BTF and .BTF.ext (CO-RE relocations and map definitions need them).
  llvm-strip -g "$out/$name.o.tmp" -o "$out/$name.o"
  rm -f "$out/$name.o.tmp"
  if [[ "$mode" == --check ]]; then
    if ! cmp -s "$out/$name.o" "$here/$name.o"; then
      echo "build.sh --check: $name.o does not match $name.c; run collector/src/main/bpf/build.sh and commit $name.o" >&2
      status=1
    else
      echo "build.sh --check: $name.o matches its source"
    fi
  else
    echo "built $here/$name.o ($(stat -c %s "$here/$name.o") bytes, clang $(clang -dumpversion))"
  fi
done
exit $status
