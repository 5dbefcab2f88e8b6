#!/usr/bin/env bash
# The C++ compiler sealy's CMake build of SEAL and Intel HEXL runs (set as CXX in
# ../.cargo/config.toml). HEXL 1.2.3 compiles itself, and probes for AVX-512, with
# -march=native, which would tie the library to the build machine's CPU: built on an
# AVX-512 machine it would crash on any CPU without AVX-512. This drops -march=native (and
# -mtune=native), so HEXL is compiled for the same target as SEAL and the rest of the
# library: cc passes -march=x86-64 for the portable build and -mavx512ifma (which implies
# AVX-512F) for the x86-64-v4 build. HEXL's probes then enable its AVX-512 kernels only
# in a build whose target has AVX-512 and on a build machine that can run them; everything
# else uses HEXL's portable kernels, and HEXL picks among what it has at run time.
set -euo pipefail
args=()
for arg in "$@"; do
  case "$arg" in
    -march=native | -mtune=native) ;;
    *) args+=("$arg") ;;
  esac
done
exec "${GENOVFL_REAL_CXX:-c++}" "${args[@]}"
