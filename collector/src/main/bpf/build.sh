#!/usr/bin/env bash
# Builds the eBPF objects beside their sources (flowtel.bpf.c -> flowtel.bpf.o), reproducibly:
# the same sources and clang give the same bytes (no paths, no DWARF; BTF is kept, libbpf needs it).
# The objects are committed, so neither the Java build nor a fresh machine needs clang. Next to each
# object, <object>.sources records the SHA-256 of every source it was built from and the clang version.
#
#   build.sh           build and write the objects (and their .sources) here
#   build.sh --check   fail when a source changed since its object was built (needs no clang); when
#                      the same clang version is present, also rebuild into a temp dir and fail when
#                      the committed object differs from what its sources give
#
# Building (not --check) when clang is missing and we run as root installs clang, llvm, libbpf-dev
# and linux-libc-dev with apt-get.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-build}"
case "$mode" in
  build|--check) ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

have_tools() {
  command -v clang >/dev/null && command -v llvm-strip >/dev/null && [[ -f /usr/include/bpf/bpf_helpers.h ]] \
    && [[ -f /usr/include/linux/bpf.h ]]
}

# The files an object is built from: its .c and every header in this folder.
sources_of() {
  local name="$1"
  (cd "$here" && sha256sum "$name.c" $(ls *.h | sort))
}

clang_version() {
  clang --version | head -1
}

compile() { # <name> <output dir>
  local name="$1" out="$2"
  local multiarch
  multiarch="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
  # -fdebug-prefix-map and a relative source name keep the build directory out of the object.
  (cd "$here" && clang -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
      -I/usr/include/"$multiarch" -fdebug-prefix-map="$here"=. -fno-ident \
      -c "$name.c" -o "$out/$name.o.tmp")
  # Drops DWARF, keeps .BTF and .BTF.ext (CO-RE relocations and map definitions need them).
  llvm-strip -g "$out/$name.o.tmp" -o "$out/$name.o"
  rm -f "$out/$name.o.tmp"
}

if [[ "$mode" == build ]]; then
  if ! have_tools; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "build.sh: clang, llvm-strip and the libbpf-dev headers are needed: apt-get install clang llvm libbpf-dev linux-libc-dev (or run as root)" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang llvm libbpf-dev linux-libc-dev >/dev/null
  fi
  for src in "$here"/*.bpf.c; do
    name="$(basename "$src" .c)"
    compile "$name" "$here"
    { sources_of "$name"; echo "clang: $(clang_version)"; } > "$here/$name.o.sources"
    echo "built $here/$name.o ($(stat -c %s "$here/$name.o") bytes, $(clang_version))"
  done
  exit 0
fi

status=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for src in "$here"/*.bpf.c; do
  name="$(basename "$src" .c)"
  recorded="$here/$name.o.sources"
  if [[ ! -f "$here/$name.o" || ! -f "$recorded" ]]; then
    echo "build.sh --check: $name.o or $name.o.sources is missing; run collector/src/main/bpf/build.sh and commit both" >&2
    status=1
    continue
  fi
  if ! diff <(sources_of "$name") <(grep -v '^clang: ' "$recorded") >/dev/null; then
    echo "build.sh --check: the sources of $name.o changed since it was built; run collector/src/main/bpf/build.sh and commit $name.o and $name.o.sources" >&2
    status=1
    continue
  fi
  if ! have_tools; then
    echo "build.sh --check: $name.o matches its sources' hashes (no clang here: bytes not rebuilt)"
    continue
  fi
  built_with="$(sed -n 's/^clang: //p' "$recorded")"
  if [[ "$built_with" != "$(clang_version)" ]]; then
    echo "build.sh --check: $name.o matches its sources' hashes; bytes not compared: it was built with '$built_with', this machine has '$(clang_version)'"
    continue
  fi
  compile "$name" "$tmp"
  if cmp -s "$tmp/$name.o" "$here/$name.o"; then
    echo "build.sh --check: $name.o is exactly what its sources give"
  else
    echo "build.sh --check: $name.o differs from what $name.c gives with the same clang; run collector/src/main/bpf/build.sh and commit $name.o" >&2
    status=1
  fi
done
exit $status
