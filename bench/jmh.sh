#!/usr/bin/env bash
# Builds the JMH jar and runs the token-signing and token-verifying benchmarks pinned to one core,
# then prints ops/s per (benchmark, algorithm, provider), the accp/jdk ratio and the verifier/raw
# signature-verification ratio from this same run.
#
#   bench/jmh.sh                          # everything, -wi 3 -w 2s -i 5 -r 2s, one fork per param set
#   bench/jmh.sh -wi 2 -i 3               # shorter; any JMH option given here replaces the default
#   bench/jmh.sh -p algorithm=ES256 Signing   # params, benchmark regexps: passed through to JMH
#   bench/jmh.sh Verifier                 # TokenVerifier vs raw ECDSA verify; prints verifier/raw
#   bench/jmh.sh -h                       # JMH's own options
#
# Environment: JAVA_HOME (a JDK 21+; else the one .mvn/find-jdk.sh finds), JMH_CPU (core to pin to, default 0),
# JMH_SKIP_BUILD=1 (reuse bench/target/benchmarks.jar). The JSON result is kept in
# bench/target/jmh-result.json; -rf/-rff are therefore the script's and can't be passed.
set -euo pipefail

cd "$(dirname "$0")/.."
jar=bench/target/benchmarks.jar
result=bench/target/jmh-result.json
cpu=${JMH_CPU:-0}
# shellcheck source=.mvn/find-jdk.sh
. .mvn/find-jdk.sh && tollgate_use_jdk
java=$JAVA_HOME/bin/java

die() { echo "jmh.sh: $*" >&2; exit 2; }

command -v taskset >/dev/null || die "taskset not found (util-linux); the run is meant to be pinned to one core"
command -v python3 >/dev/null || die "python3 not found; it formats the result table"
version=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n1)
[[ -n $version && $version -ge 21 ]] || die "$java is not a JDK 21+ (set JAVA_HOME)"

# Defaults for the options the caller did not give (JMH refuses an option given twice).
given=" "
for arg in "$@"; do
  case $arg in
    -rf|-rff) die "$arg is set by this script ($result)" ;;
    -f|-wi|-w|-i|-r) given+="$arg " ;;
  esac
done
defaults=()
for pair in "-f 1" "-wi 3" "-w 2s" "-i 5" "-r 2s"; do
  opt=${pair%% *}
  [[ $given == *" $opt "* ]] || defaults+=("$opt" "${pair#* }")
done

if [[ ${JMH_SKIP_BUILD:-0} != 1 ]]; then
  # maven.test.skip rather than skipTests: the benchmarks need core's main classes only, and
  # not compiling its tests keeps the build quick and immune to a test that doesn't compile.
  ./mvnw -q -pl bench -am package -Dmaven.test.skip=true
fi
[[ -f $jar ]] || die "$jar missing"

rm -f "$result"
load() { echo "load average $1: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)" >&2; }
load before
cmd=(taskset -c "$cpu" "$java" -jar "$jar" ${defaults[@]+"${defaults[@]}"} "$@" -rf json -rff "$result")
echo "+ ${cmd[*]}" >&2
status=0
"${cmd[@]}" || status=$?
load after

if [[ -s $result ]]; then
  python3 - "$result" <<'PY'
import json, math, sys

rows = []
for r in json.load(open(sys.argv[1])):
    params = dict(r.get("params") or {})
    m = r["primaryMetric"]
    rows.append({
        "bench": ".".join(r["benchmark"].split(".")[-2:]).replace("Benchmark.", "."),
        "alg": params.pop("algorithm", "-"),
        "prov": params.pop("provider", "-"),
        "rest": ",".join(f"{k}={v}" for k, v in sorted(params.items())),
        "score": m["score"], "err": m["scoreError"], "unit": m["scoreUnit"],
        # Interference on a shared machine only ever slows an iteration down, so the best one is
        # the closest to the uncontended figure; printed beside JMH's mean as a noise check.
        "best": max((x for fork in m.get("rawData") or [] for x in fork), default=float("nan")),
    })

def num(x, fmt="{:,.0f}"):
    try:
        x = float(x)  # JMH writes "NaN" (a string) for the error of a single iteration
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if math.isnan(x) else fmt.format(x)

def us_per_op(row):
    return 1e6 / row["score"] if row["unit"] == "ops/s" and row["score"] > 0 else None

head = f"{'benchmark':<24} {'algorithm':<9} {'provider':<8} {'ops/s':>10} {'± 99.9%':>9} {'us/op':>8} {'best it.':>9}"
print("\n" + head + "\n" + "-" * len(head))
for r in rows:
    unit = "" if r["unit"] == "ops/s" else " " + r["unit"]
    extra = f"  {r['rest']}" if r["rest"] else ""
    print(f"{r['bench']:<24} {r['alg']:<9} {r['prov']:<8} {num(r['score']):>10} {num(r['err']):>9} "
          f"{num(us_per_op(r), '{:.1f}'):>8} {num(r['best']):>9}{unit}{extra}")

by_key = {(r["bench"], r["alg"], r["rest"], r["prov"]): r for r in rows}
pairs = [(k[:3], by_key[k], by_key.get(k[:3] + ("jdk",))) for k in by_key if k[3] == "accp"]
pairs = [(k, a, j) for k, a, j in pairs if j]
if pairs:
    head = f"{'benchmark':<24} {'algorithm':<9} {'accp/jdk':>8} {'(best it.)':>10}"
    print("\nratio from this run\n" + head + "\n" + "-" * len(head))
    for (bench, alg, rest), a, j in pairs:
        print(f"{bench:<24} {alg:<9} {a['score'] / j['score']:>7.2f}x {a['best'] / j['best']:>9.2f}x"
              + (f"  {rest}" if rest else ""))

# What mint adds on top of signing the same claims with the same key type and provider.
lines = []
for r in rows:
    if r["bench"] == "Mint.mint":
        s = by_key.get(("Signing.sign", r["alg"], r["rest"], r["prov"]))
        if s and us_per_op(s) and us_per_op(r):
            extra = us_per_op(r) - us_per_op(s)
            lines.append(f"{r['alg']}/{r['prov']}: sign {us_per_op(s):.1f} us, mint {us_per_op(r):.1f} us, "
                         f"mint adds {extra:+.1f} us ({100 * extra / us_per_op(s):+.0f}%)")
if lines:
    print("\nmint vs sign\n" + "\n".join(lines))

# VerifierBenchmark: the whole TokenVerifier.verify against the raw signature check it contains.
lines = []
for r in rows:
    if r["bench"] == "Verifier.verify":
        for raw in ("Verifier.rawVerify", "Verifier.rawParseVerify"):
            s = by_key.get((raw, r["alg"], r["rest"], r["prov"]))
            if s and s["score"] > 0:
                lines.append(f"{r['alg']}/{r['prov']}: verifier/{raw.split('.')[1]} = "
                             f"{r['score'] / s['score']:.2f} (best it. {r['best'] / s['best']:.2f}); "
                             f"verify {us_per_op(r):.1f} us, {raw.split('.')[1]} {us_per_op(s):.1f} us")
if lines:
    print("\nverifier vs raw signature verification\n" + "\n".join(lines))
PY
  echo "(JSON: $result)"
fi
exit "$status"
