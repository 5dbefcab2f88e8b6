#!/usr/bin/env bash
# VCF import benchmark (not a test): genotype calls per second of the production importer
# (stream, pack, write to PostgreSQL in one transaction) against `bcftools view -Ou` reading
# the same file, on the real shapeit4-example genotypes (300 samples x 24,990 sites) and on
# wider files made by repeating its sample columns (same sites, 4x and 16x the samples), so
# memory can be watched as the sample count grows. The JVM runs with a fixed -Xmx128m.
# Writes bench/results/ingest-vcf.json and bench/results/ingest.md. Needs the party-service
# jar (./genovfl builds it); GENOVFL_JAR overrides.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/bench/common/driver.sh"
data=$(bash "$root/data/fetch.sh" | tail -1)
jar=$(bench_jar "$root")
results="$root/bench/results"
work=$(mktemp -d "${TMPDIR:-/tmp}/genovfl-ingest-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$results" "$work/classes"
command -v bcftools >/dev/null || { echo "bcftools is needed (apt-get install bcftools)" >&2; exit 1; }

source="$data/shapeit4-example/reference.vcf.gz"
files=("$source")
for copies in 4 16; do
  wide="$work/reference-x$copies.vcf.gz"
  # Repeat the sample columns; sample names get a copy suffix so they stay unique.
  bcftools view "$source" | awk -v k="$copies" 'BEGIN{FS=OFS="\t"}
    /^##/ {print; next}
    {line=$1; for (i=2;i<=9;i++) line=line OFS $i;
     for (c=1;c<=k;c++) for (i=10;i<=NF;i++) line=line OFS ((/^#CHROM/) ? $i "_" c : $i);
     print line}' | bcftools view -Oz -o "$wide"
  files+=("$wide")
done

bench_compile "$jar" "$work" "$root/bench/ingest/IngestBench.java"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
java -Xmx128m -cp "$work/classes:$cp" IngestBench "$work" "${files[@]}" 2>"$work/java.log" > "$work/import.jsonl" \
  || { tail -30 "$work/java.log" >&2; exit 1; }

# bcftools: best of three (wall), with that run's CPU time: decompress + parse + re-encode
# as uncompressed BCF.
python3 - "${files[@]}" > "$work/bcftools.txt" <<'PY'
import os, subprocess, sys, time
for f in sys.argv[1:]:
    best = None
    for run in range(3):
        before = os.times()
        started = time.monotonic()
        subprocess.run(["bcftools", "view", "-Ou", f], stdout=subprocess.DEVNULL, check=True)
        wall = time.monotonic() - started
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        if best is None or wall < best[0]:
            best = (wall, cpu)
    print(os.path.basename(f), f"{best[0]:.3f}", f"{best[1]:.2f}")
PY
python3 - "$work/import.jsonl" "$work/bcftools.txt" "$results" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(date -u +%Y-%m-%d)" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
imports = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
bcf = {l.split()[0]: (float(l.split()[1]), float(l.split()[2])) for l in open(sys.argv[2])}
rows = []
for r in imports:
    wall, cpu = bcf[r["file"]]
    ours_cpu = r["jvmCpuSeconds"] + r["postgresCpuSeconds"]
    rows.append(dict(r, cpuSeconds=round(ours_cpu, 2), bcftoolsSeconds=wall, bcftoolsCpuSeconds=cpu,
                     bcftoolsCallsPerSecond=round(r["genotypeCalls"] / wall),
                     ratioToBcftools=round(r["seconds"] / wall, 2), cpuRatioToBcftools=round(ours_cpu / cpu, 2)))
json.dump({"machine": {"cores": int(sys.argv[4]), "cpu": sys.argv[5], "date": sys.argv[6],
                       "loadAverageBefore": sys.argv[7], "loadAverageAfter": sys.argv[8]},
           "jvmMaxHeapMiB": 128,
           "results": rows}, open(sys.argv[3] + "/ingest-vcf.json", "w"), indent=2)
with open(sys.argv[3] + "/ingest.md", "w") as md:
    md.write("| file | samples | sites | genotype calls | GenoVFL import wall (s) | CPU (s): JVM + PostgreSQL | calls/s | "
             "bcftools view -Ou wall (s) | CPU (s) | wall ratio | CPU ratio | peak heap (MiB) |\n")
    md.write("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in rows:
        md.write(f"| {r['file']} | {r['samples']:,} | {r['variants']:,} | {r['genotypeCalls']:,} | {r['seconds']:.2f} | "
                 f"{r['cpuSeconds']:.2f} = {r['jvmCpuSeconds']:.2f} + {r['postgresCpuSeconds']:.2f} | {r['callsPerSecond']:,.0f} | "
                 f"{r['bcftoolsSeconds']:.2f} | {r['bcftoolsCpuSeconds']:.2f} | {r['ratioToBcftools']} | {r['cpuRatioToBcftools']} | "
                 f"{r['peakHeapMiB']:.0f} |\n")
    md.write(f"\nGenoVFL import = stream, pack 2-bit dosages, compute AF/call rate/HWE and write to the party's embedded "
             f"PostgreSQL in one transaction (JVM -Xmx128m); best of 3 after a warm-up import, with that run's CPU time "
             f"(JVM process + PostgreSQL server processes). bcftools: best of 3, with that run's user+sys time. "
             f"Machine: {sys.argv[4]} cores, {sys.argv[5]}; {sys.argv[6]}; load average before {sys.argv[7]}, "
             f"after {sys.argv[8]} (shared machine).\n")
print(open(sys.argv[3] + "/ingest.md").read())
PY
