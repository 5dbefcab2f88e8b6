#!/usr/bin/env bash
# Builds the native library (release) and puts it, with its SHA-256, where Maven packages
# it into the jar. Called by the he-native Maven build; usable by hand too.
#   native/build.sh <classes-dir>
# The cargo target directory lives in the user's home, one per checkout (named by a hash of
# this crate's path): rebuilding a clone reuses its SEAL build, and two checkouts never share
# a directory (they used to: a build in one worktree then overwrote target/release/
# libgenovfl_native.so while cargo considered the other checkout's build fresh, so Maven
# packaged a library missing that checkout's JNI functions).
set -euo pipefail
classes_dir=${1:?usage: build.sh <classes-dir>}
crate_dir=$(cd "$(dirname "$0")" && pwd)
checkout_id=$(printf '%s' "$crate_dir" | sha256sum | cut -c1-12)
target_dir=${CARGO_TARGET_DIR:-$HOME/.cache/genovfl/cargo-target/$checkout_id}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86_64 ;;
  Linux-aarch64) platform=linux-aarch64 ;;
  *) echo "he-native: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
# From the crate directory, so cargo reads its .cargo/config.toml.
(cd "$crate_dir" && cargo build --release --locked --target-dir "$target_dir")

dest="$classes_dir/org/genovfl/he/native/$platform"
mkdir -p "$dest"
cp "$target_dir/release/libgenovfl_native.so" "$dest/libgenovfl_native.so"
sha256sum "$dest/libgenovfl_native.so" | cut -d' ' -f1 > "$dest/libgenovfl_native.so.sha256"
