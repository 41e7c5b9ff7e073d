#!/usr/bin/env bash
# Runs scripts/slurm/score-array.sbatch for real on a single-node Slurm started on this machine
# (Debian's slurm-wlm and munge, installed when missing; needs root), on the bundled samples with 2
# shards, and checks that the merged results equal one unsharded `tendo score` run byte for byte.
# ctest label `slurm` (not part of the default unit|regression run).
# Usage: tests/slurm/run.sh TENDO SAMPLES_DIR
set -euo pipefail
tendo=$(readlink -f "$1")
samples=$(readlink -f "$2")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "needs root (installs and starts munge and Slurm)"
need=()
for package in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q "install ok installed" || need+=("$package")
done
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" > /dev/null
fi

work=$(mktemp -d /tmp/tendo_slurm.XXXXXX)
chmod 755 "$work"
host=$(hostname -s)
cpus=$(nproc)
memory_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512))
conf_dir=$work/etc
mkdir -p "$conf_dir" "$work/state" "$work/spool" "$work/log"
cat > "$conf_dir/slurm.conf" << CONF
ClusterName=tendo-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
NodeName=$host CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf_dir/slurm.conf

# munge: a key of our own and a daemon on a socket of our own, so nothing of the machine's changes.
munge_dir=$work/munge
mkdir -p "$munge_dir"
chown munge:munge "$munge_dir"
chmod 755 "$munge_dir"
runuser -u munge -- mungekey --create --keyfile="$munge_dir/munge.key" --force
socket=$munge_dir/munge.socket
runuser -u munge -- munged --key-file="$munge_dir/munge.key" --socket="$socket" \
  --pid-file="$munge_dir/munged.pid" --log-file="$munge_dir/munged.log" --seed-file="$munge_dir/seed" --force
# Slurm finds the socket through its AuthInfo option.
sed -i "s|^AuthType=auth/munge|AuthType=auth/munge\nAuthInfo=socket=$socket|" "$conf_dir/slurm.conf"

stop() {
  scontrol shutdown > /dev/null 2>&1 || true
  sleep 1
  for pid_file in "$work/slurmd.pid" "$work/slurmctld.pid" "$munge_dir/munged.pid"; do
    [[ -f $pid_file ]] && kill "$(cat "$pid_file")" 2> /dev/null || true
  done
}
passed=0
trap 'stop; if [[ $passed == 1 ]]; then rm -rf "$work"; else echo "logs in $work/log" >&2; fi' EXIT

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 60); do
  state=$(sinfo -h -n "$host" -o %t 2> /dev/null || true)
  [[ $state == idle* ]] && break
  sleep 1
done
[[ ${state:-} == idle* ]] || fail "the Slurm node did not come up (state '${state:-none}'); see $work/log"

# The array (2 shards) and the dependent merge.
out=$work/out
TENDO=$tendo bash "$root/scripts/slurm/score-array.sbatch" "$out" 2 "$samples" -- --masks
read -r array_id merge_id < "$out/logs/jobs"
for _ in $(seq 1 600); do
  [[ -z $(squeue -h -j "$array_id,$merge_id" 2> /dev/null) ]] && break
  sleep 1
done
[[ -z $(squeue -h -j "$array_id,$merge_id" 2> /dev/null) ]] || fail "jobs still queued after 10 minutes"
[[ -f $out/merged/results.jsonl ]] || fail "no merged results; logs: $(cat "$out"/logs/*.log 2> /dev/null | tail -20)"

"$tendo" score "$samples" --out "$work/whole" --masks 2> /dev/null || [[ $? == 1 ]] || fail "unsharded run failed"
for f in results.jsonl results.csv errors.csv skipped.csv; do
  cmp -s "$work/whole/$f" "$out/merged/$f" || fail "merged $f differs from the unsharded run"
done
diff -r "$work/whole/masks" "$out/merged/masks" > /dev/null || fail "merged masks differ"
passed=1
echo "ok: Slurm array $array_id (2 shards) + merge $merge_id = unsharded run ($(wc -l < "$out/merged/results.jsonl") results)"
