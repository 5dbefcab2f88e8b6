#!/usr/bin/env bash
# Prepares a Debian machine without Docker to build and run GenoVFL's containers with podman
# (docs/deploy.md). Idempotent and quick when done: each step checks first and says so.
#   1. podman, runc, podman-compose and debootstrap from apt, if missing;
#   2. /etc/containers/containers.conf: default_ulimits and runtime runc, if not set (other
#      settings are kept). Without them every container fails with "setrlimit RLIMIT_NPROC:
#      Operation not permitted" (no CAP_SYS_RESOURCE in a sandbox) and crun refuses a hybrid
#      cgroup layout;
#   3. the base image debian:bookworm, made offline with debootstrap from the apt mirror the
#      machine already uses, when no registry can give it (GENOVFL_BASE_IMAGE names another).
# A machine with Docker, or podman and a reachable registry, needs none of this.
set -euo pipefail

BASE_IMAGE=${GENOVFL_BASE_IMAGE:-debian:bookworm}
CONF=/etc/containers/containers.conf
PACKAGES=(podman runc podman-compose debootstrap)

started=0
step() { started=$(date +%s%N); printf '==> engine: %s\n' "$*"; }
step_done() { local ms=$(( ($(date +%s%N) - started) / 1000000 )); printf '    %s (%d.%d s)\n' "${1:-done}" $((ms / 1000)) $((ms % 1000 / 100)); }
die() { printf 'engine-setup: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  step "Container engine packages (${PACKAGES[*]})"
  if command -v docker >/dev/null && docker info >/dev/null 2>&1 && ! command -v podman >/dev/null; then
    step_done "a Docker engine answers: nothing to install"; return
  fi
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "    installing: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
    step_done "installed"
  else
    step_done "present"
  fi
}

# Sets KEY in [SECTION] of $CONF unless the section already sets KEY.
conf_setting() { # section key value
  local section=$1 key=$2 value=$3
  if as_root awk -v s="[$section]" -v k="$key" '
      /^[[:space:]]*\[/ { in_section = ($1 == s) }
      in_section && $1 == k { found = 1 } END { exit !found }' "$CONF" 2>/dev/null; then
    echo "    [$section] $key already set"; return
  fi
  as_root mkdir -p "$(dirname "$CONF")"
  as_root touch "$CONF"
  if as_root grep -q "^\[$section\]" "$CONF"; then
    as_root sed -i "/^\[$section\]/a $key = $value" "$CONF"
  else
    printf '\n[%s]\n%s = %s\n' "$section" "$key" "$value" | as_root tee -a "$CONF" >/dev/null
  fi
  echo "    [$section] $key = $value written"
}

configure_engine() {
  command -v podman >/dev/null || return 0
  step "podman settings in $CONF"
  conf_setting containers default_ulimits '["nofile=20000:20000", "nproc=32768:32768"]'
  conf_setting engine runtime '"runc"'
  step_done "set"
}

make_base_image() {
  command -v podman >/dev/null || return 0
  step "Base image $BASE_IMAGE"
  if podman image exists "$BASE_IMAGE"; then step_done "present"; return; fi
  if podman pull -q "docker.io/library/$BASE_IMAGE" >/dev/null 2>&1; then
    podman tag "docker.io/library/$BASE_IMAGE" "$BASE_IMAGE"; step_done "pulled"; return
  fi
  [ "$BASE_IMAGE" = debian:bookworm ] || die "cannot pull $BASE_IMAGE and can only make debian:bookworm offline"
  local mirror
  mirror=$(grep -rhoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
    | grep -v security | head -1 | awk '{print $2}' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "    no registry: debootstrap --variant=minbase bookworm from $mirror (about a minute)"
  local tree; tree=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-bookworm.XXXXXX")
  trap 'as_root rm -rf "$tree"' RETURN
  as_root debootstrap --variant=minbase bookworm "$tree" "$mirror" > "$tree.log" 2>&1 \
    || die "debootstrap failed (log: $tree.log)"
  # The updates and security suites too, as Debian's own image has them (rustc-web, fixes).
  local security=${mirror%/debian*}/debian-security
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security" | as_root tee "$tree/etc/apt/sources.list" >/dev/null
  as_root rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/*
  as_root tar -C "$tree" -c . | podman import -q - "$BASE_IMAGE" >/dev/null
  rm -f "$tree.log"
  step_done "made offline and imported"
}

install_packages
configure_engine
make_base_image
