#!/usr/bin/env bash
# Builds the native library (release) and puts it, with its SHA-256, where Maven packages
# it into the jar. Called by the he-native Maven build; usable by hand too.
#   native/build.sh <classes-dir>
# The cargo target directory lives in the user's home, one per checkout (named by a hash of
# this crate's path): rebuilding a clone reuses its SEAL build, and two checkouts never share
# a directory (they used to: a build in one worktree then overwrote target/release/
# libgenovfl_native.so while cargo considered the other checkout's build fresh, so Maven
# packaged a library missing that checkout's JNI functions).
#
# On x86-64 the library is built twice. The portable build runs on any x86-64 CPU and picks
# curve25519-dalek's AVX2 or AVX-512 IFMA code at run time. The x86-64-v4 build is compiled
# for AVX-512 with IFMA throughout, which makes PSI's group operations another ~15% cheaper
# (bench/psi/native-ops.sh); NativeLibrary loads it only on a CPU that has every feature it
# was compiled for. GENOVFL_NATIVE_VARIANTS=portable skips it (a quicker build).
#
# SEAL is built with Intel HEXL on x86-64 (the crate's default feature `hexl`; it needs
# cpu_features, Debian's libcpu-features-dev, which ./genovfl installs). HEXL is compiled for
# each variant's target, not for the build machine (.cargo/config.toml, tools/): the
# portable build's HEXL runs on any x86-64 CPU. HEXL is x86-only, so aarch64 builds without.
set -euo pipefail
classes_dir=${1:?usage: build.sh <classes-dir>}
crate_dir=$(cd "$(dirname "$0")" && pwd)
checkout_id=$(printf '%s' "$crate_dir" | sha256sum | cut -c1-12)
target_dir=${CARGO_TARGET_DIR:-$HOME/.cache/genovfl/cargo-target/$checkout_id}

features=()
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86_64 ;;
  Linux-aarch64) platform=linux-aarch64; features=(--no-default-features) ;;
  *) echo "he-native: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

# build_variant RESOURCE_DIR TARGET_DIR [RUSTFLAGS]: builds into TARGET_DIR and copies the
# library and its hash to RESOURCE_DIR under the classes directory.
build_variant() {
  local resource_dir=$1 variant_target=$2
  # From the crate directory, so cargo reads its .cargo/config.toml (RUSTFLAGS, when given,
  # replaces that file's flags, so a variant repeats them).
  local built=$variant_target/release
  if [ $# -ge 3 ]; then
    # With an explicit --target, RUSTFLAGS apply to the library only, not to the build
    # scripts cargo runs on this machine: compiled for x86-64-v4, those die of SIGILL on a
    # build machine without AVX-512 (link-cplusplus's did).
    local triple
    triple=$(rustc -vV | sed -n 's/^host: //p')
    (cd "$crate_dir" && RUSTFLAGS=$3 cargo build --release --locked "${features[@]}" --target "$triple" \
      --target-dir "$variant_target")
    built=$variant_target/$triple/release
  else
    (cd "$crate_dir" && env -u RUSTFLAGS cargo build --release --locked "${features[@]}" --target-dir "$variant_target")
  fi
  local dest="$classes_dir/org/genovfl/he/native/$resource_dir"
  mkdir -p "$dest"
  cp "$built/libgenovfl_native.so" "$dest/libgenovfl_native.so"
  sha256sum "$dest/libgenovfl_native.so" | cut -d' ' -f1 > "$dest/libgenovfl_native.so.sha256"
}

build_variant "$platform" "$target_dir"
if [ "$platform" = linux-x86_64 ] && [ "${GENOVFL_NATIVE_VARIANTS:-all}" != portable ]; then
  build_variant "$platform-v4" "$target_dir-x86-64-v4" \
    '-C target-cpu=x86-64-v4 -C target-feature=+avx512ifma --cfg curve25519_dalek_backend="avx512"'
else
  rm -rf "$classes_dir/org/genovfl/he/native/$platform-v4" # never leave an older build behind
fi
