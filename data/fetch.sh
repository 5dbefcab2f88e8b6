#!/usr/bin/env bash
# Fetches the real data sets the tests, the benchmark and the demo use, once, into
# $GENOVFL_CACHE/data (default ~/.cache/genovfl/data). Idempotent: a present file is kept.
# Sources (all through their ordinary package clients, nothing else):
#   shapeit4-example (Debian)          503 samples of 1000 Genomes, chr20, 24,990 sites (VCF)
#   hl7.fhir.uv.genomics-reporting@3.0.0 (npm pack)  the FHIR Genomics Reporting IG examples
#   python3-sklearn (Debian)           sklearn/datasets/data/breast_cancer.csv (569 x 30)
#   org.mitre.synthea:synthea (Maven)  runs offline: FHIR R4 bundles of 10 synthetic patients, seed 42
# Prints the data directory on its last line.
set -euo pipefail

CACHE="${GENOVFL_CACHE:-$HOME/.cache/genovfl}"
DATA="$CACHE/data"
mkdir -p "$DATA"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Extracts Debian package $1 into $2 via apt-get download + dpkg-deb (no installation).
debian_extract() {
  local package=$1 target=$2
  (cd "$work" && apt-get download -qq "$package" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 || true; apt-get download -qq "$package" >/dev/null; })
  mkdir -p "$target"
  dpkg-deb -x "$work"/"${package}"_*.deb "$target"
}

if [ ! -d "$DATA/shapeit4-example" ]; then
  echo "fetching Debian shapeit4-example" >&2
  debian_extract shapeit4-example "$work/shapeit4"
  mkdir -p "$DATA/shapeit4-example.partial"
  cp -r "$work"/shapeit4/usr/share/doc/shapeit4-example/* "$DATA/shapeit4-example.partial/" 2>/dev/null || true
  find "$work/shapeit4" -type f \( -name '*.vcf*' -o -name '*.bcf*' -o -name '*.gmap*' \) -exec cp {} "$DATA/shapeit4-example.partial/" \;
  mv "$DATA/shapeit4-example.partial" "$DATA/shapeit4-example"
fi

if [ ! -d "$DATA/genomics-reporting-3.0.0" ]; then
  echo "fetching npm hl7.fhir.uv.genomics-reporting@3.0.0 (npm pack)" >&2
  (cd "$work" && npm pack --silent hl7.fhir.uv.genomics-reporting@3.0.0 >/dev/null)
  mkdir -p "$work/ig"
  tar -xzf "$work"/hl7.fhir.uv.genomics-reporting-3.0.0.tgz -C "$work/ig"
  mv "$work/ig/package" "$DATA/genomics-reporting-3.0.0"
fi

if [ ! -f "$DATA/breast_cancer.csv" ]; then
  echo "fetching Debian python3-sklearn (breast_cancer.csv)" >&2
  debian_extract python3-sklearn "$work/sklearn"
  cp "$(find "$work/sklearn" -path '*sklearn/datasets/data/breast_cancer.csv' | head -1)" "$DATA/breast_cancer.csv.partial"
  mv "$DATA/breast_cancer.csv.partial" "$DATA/breast_cancer.csv"
fi

SYNTHEA_VERSION=3.3.0
SYNTHEA_DIR="$DATA/synthea-$SYNTHEA_VERSION-p10-seed42"
if [ ! -d "$SYNTHEA_DIR" ]; then
  echo "generating Synthea $SYNTHEA_VERSION FHIR bundles (10 patients, seed 42)" >&2
  mkdir -p "$work/synthea"
  cat > "$work/synthea/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>org.genovfl.fetch</groupId><artifactId>synthea-runner</artifactId><version>1</version>
  <dependencies><dependency><groupId>org.mitre.synthea</groupId><artifactId>synthea</artifactId>
    <version>$SYNTHEA_VERSION</version></dependency></dependencies>
</project>
POM
  (cd "$work/synthea" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=classpath.txt >/dev/null)
  # Fixed seeds and reference date: the same ten patients every time.
  (cd "$work/synthea" && java -cp "$(cat classpath.txt)" App -p 10 -s 42 -cs 42 -r 20240101 \
      --exporter.baseDirectory="$work/synthea/out" --exporter.fhir.export=true \
      --exporter.hospital.fhir.export=false --exporter.practitioner.fhir.export=false \
      --exporter.ccda.export=false --exporter.csv.export=false Massachusetts >"$work/synthea/run.log" 2>&1) \
    || { tail -20 "$work/synthea/run.log" >&2; exit 1; }
  mkdir -p "$SYNTHEA_DIR.partial"
  mv "$work"/synthea/out/fhir/*.json "$SYNTHEA_DIR.partial/"
  mv "$SYNTHEA_DIR.partial" "$SYNTHEA_DIR"
fi

echo "$DATA"
