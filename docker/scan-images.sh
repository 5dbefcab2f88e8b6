#!/usr/bin/env bash
# Checks that no image layer holds a secret: each layer of each image (a file deleted by a
# later layer is still in the image, so layers are read one by one, not the merged tree) is
# searched for
#   - PEM private keys (a "-----BEGIN ... PRIVATE KEY-----" header followed by key data),
#   - key store files (*.p12, *.pfx, *.jks, *.key, *.password, credentials.properties),
#   - every password GenoVFL generated on this machine: the deployment's and the demo's key
#     store, trust store, CA and account passwords and the database passwords.
#   docker/scan-images.sh [image...]   (default: the party and PostgreSQL images)
# Exit status 1 names each finding; 0 prints what was read.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPLOY_DIR="${GENOVFL_DEPLOY_DIR:-$ROOT/.genovfl/deploy}"
DEMO_DIR="$ROOT/.genovfl/demo"
ENGINE=$(command -v podman >/dev/null && echo podman || echo docker)
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(localhost/genovfl-party:latest localhost/genovfl-postgres:latest)

work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-scan.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The generated passwords: every value of a *password* property and every password file.
{
  find "$DEPLOY_DIR" "$DEMO_DIR" -name '*.properties' -type f -print0 2>/dev/null \
    | xargs -0 -r grep -hE -e '^[^#=]*password=' -e '^[a-z]+-(admin|coordinator|regulator)=' | cut -d= -f2- || true
  find "$DEPLOY_DIR" "$DEMO_DIR" \( -name '*.password' -o -path '*/ca/password' \) -type f -print0 2>/dev/null \
    | xargs -0 -r -I{} sh -c 'cat "$1"; echo' _ {} || true
} | awk 'length($0) >= 12' | sort -u > "$work/passwords"
echo "scan: $(wc -l < "$work/passwords") generated passwords to look for (from $DEPLOY_DIR and $DEMO_DIR)"
[ -s "$work/passwords" ] || echo "scan: warning: no generated passwords found; only keys and key stores are looked for"

findings=0
finding() { printf 'FOUND in %s: %s\n' "$1" "$2"; findings=$((findings + 1)); }

for image in "${images[@]}"; do
  archive="$work/image.tar"
  "$ENGINE" save --format docker-archive -o "$archive" "$image" 2>/dev/null || "$ENGINE" save -o "$archive" "$image"
  rm -rf "$work/image"; mkdir "$work/image"; tar -xf "$archive" -C "$work/image"; rm -f "$archive"
  layers=$(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/image/manifest.json")
  n=0 files=0 bytes=0
  for layer in $layers; do
    n=$((n + 1)); tree="$work/layer"
    rm -rf "$tree"; mkdir "$tree"
    tar -xf "$work/image/$layer" -C "$tree" --no-same-owner --no-same-permissions --exclude='dev/*' 2>/dev/null || true
    files=$((files + $(find "$tree" -type f | wc -l))); bytes=$((bytes + $(du -sb "$tree" | cut -f1)))
    where="$image layer $n"
    while IFS= read -r -d '' f; do finding "$where" "key store or secret file ${f#"$tree"}"; done \
      < <(find "$tree" -type f \( -iname '*.p12' -o -iname '*.pfx' -o -iname '*.jks' -o -iname '*.key' \
            -o -iname '*.password' -o -name 'credentials.properties' \) -print0)
    # A key compiled into a shared library (GnuTLS's self-test keys) is the same in every copy
    # of that library: public, so named but not a finding. Any other PEM key is one.
    while IFS= read -r f; do
      if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ]; then
        printf 'note: %s: a test key compiled into %s (public, the same in every copy)\n' "$where" "${f#"$tree"}"
      else
        finding "$where" "PEM private key in ${f#"$tree"}"
      fi
    done < <(grep -rlzaE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----[[:space:]]+[A-Za-z0-9+/=]{40}' "$tree" 2>/dev/null || true)
    if [ -s "$work/passwords" ]; then
      while IFS= read -r f; do finding "$where" "a generated password in ${f#"$tree"}"; done \
        < <(grep -rlaF -f "$work/passwords" "$tree" 2>/dev/null || true)
    fi
  done
  printf 'scan: %s: %d layers, %d files, %d MB read\n' "$image" "$n" "$files" $((bytes / 1000000))
done

if [ "$findings" -gt 0 ]; then echo "scan: $findings finding(s)"; exit 1; fi
echo "scan: no private key, key store or generated password in any layer"
