#!/usr/bin/env bash
# docs/EVAL.md's SLURM array job, for real: a single-node SLURM (munged, slurmctld and slurmd started here, torn down
# after) runs `glip eval --shard K/3` as an array job on the demo model and a 48-image dataset made from the golden
# photos. Shard 2 is killed with SIGKILL mid-run (after its first image, before its last) and requeued; it resumes
# from its partial file. `glip merge` then gives detections and metrics identical to the unsharded run.
#
#   tests/slurm/test_slurm_eval.sh GLIP_EXECUTABLE SOURCE_DIR
#
# Needs root (munged and slurmd run as root here) and Debian's slurm-wlm + munge (scripts/setup.sh installs them).
# Exit 77 = skipped (CTest SKIP_RETURN_CODE) when either is missing.
set -euo pipefail
GLIP=$(realpath "$1")
SRC=$(realpath "$2")
for tool in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  command -v "$tool" > /dev/null || { echo "skip: $tool not installed (scripts/setup.sh installs slurm-wlm, munge)"; exit 77; }
done
[[ $(id -u) == 0 ]] || { echo "skip: needs root to start munged and slurmd"; exit 77; }

W=$(mktemp -d /tmp/glip-slurm.XXXXXX)
chmod 755 "$W"
PIDS=()
cleanup() {
  local rc=$?
  if [[ -n "${JOB:-}" ]]; then scancel "$JOB" 2> /dev/null || true; fi
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null || true; done
  if ((rc != 0)); then
    echo "--- slurmctld.log"; tail -20 "$W/slurmctld.log" 2> /dev/null || true
    echo "--- slurmd.log"; tail -20 "$W/slurmd.log" 2> /dev/null || true
    for f in "$W"/job-*.out; do [[ -f "$f" ]] && { echo "--- $f"; tail -5 "$f"; }; done
  fi
  rm -rf "$W"
  exit $rc
}
trap cleanup EXIT
log() { echo "[$(date +%T)] $*"; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2
  shift 2
  for ((i = 0; i < limit * 10; ++i)); do
    if "$@" > /dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "timed out after ${limit} s waiting for: $what" >&2
  return 1
}

# --- the dataset: 48 images (the two golden photos, 24 copies each), their boxes from tests/data/coco/golden_tiny
mkdir -p "$W/data/images"
python3 - "$SRC" "$W/data" << 'PY'
import json, shutil, sys
src, out = sys.argv[1], sys.argv[2]
gt = json.load(open(f"{src}/tests/data/coco/golden_tiny/instances_val2017.json"))
boxes = {}
for a in gt["annotations"]:
    boxes.setdefault(a["image_id"], []).append(a)
images, anns = [], []
for i in range(24):
    for im in gt["images"]:
        new = dict(im, id=len(images) + 1, file_name=f"{i:02d}_{im['file_name']}")
        shutil.copy(f"{src}/tests/data/golden/tiny-a/{im['file_name']}", f"{out}/images/{new['file_name']}")
        images.append(new)
        for a in boxes.get(im["id"], []):
            anns.append(dict(a, id=len(anns) + 1, image_id=new["id"]))
json.dump(dict(gt, images=images, annotations=anns), open(f"{out}/ann.json", "w"))
PY
EVAL_ARGS=(--config-file "$SRC/models/demo/glip_demo_tiny.yaml" --ann-file "$W/data/ann.json"
           --image-dir "$W/data/images" --threads 1 --no-progress)
OPTS=(TEST.IMS_PER_BATCH 1 TEST.EVAL_TASK detection)

# --- munge and a one-node SLURM on free ports
HOST=$(hostname -s)
CPUS=$(nproc)
mkdir -p "$W/munge" "$W/state" "$W/spool"
dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$W/munge"
chmod 400 "$W/munge/munge.key"
# This machine cannot host SLURM (no daemon comes up): skipped, not failed — the test is about glip, not the host.
cannot_host() { echo "skip: $1 did not start here (see its log below)"; tail -5 "$2" 2> /dev/null || true; exit 77; }
munged --force --key-file="$W/munge/munge.key" --socket="$W/munge/socket" --pid-file="$W/munge/pid" \
  --log-file="$W/munge/log" --seed-file="$W/munge/seed" || cannot_host munged "$W/munge/log"
wait_for 10 "munged's pid file" test -s "$W/munge/pid" || cannot_host munged "$W/munge/log"
PIDS+=("$(cat "$W/munge/pid")")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cat > "$W/slurm.conf" << EOF2
ClusterName=glipstudio
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$W/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobRequeue=1
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=glip Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF2
export SLURM_CONF=$W/slurm.conf
slurmctld -D -i > "$W/slurmctld.out" 2>&1 &
PIDS+=($!)
wait_for 30 "slurmctld" scontrol ping || cannot_host slurmctld "$W/slurmctld.log"
slurmd -D -N "$HOST" > "$W/slurmd.out" 2>&1 &
PIDS+=($!)
wait_for 60 "the node to be idle" bash -c "sinfo -h -N -o %t | grep -qx idle" || cannot_host slurmd "$W/slurmd.log"
log "SLURM is up: $(sinfo -h -o '%P %D %t %C')"

# --- the array job of docs/EVAL.md (3 shards, requeue on)
cat > "$W/eval_shards.sbatch" << EOF2
#!/bin/bash
#SBATCH --job-name=glip-eval
#SBATCH --cpus-per-task=1
#SBATCH --requeue
#SBATCH --output=$W/job-%A_%a.out
exec "$GLIP" eval ${EVAL_ARGS[@]@Q} --shard "\${SLURM_ARRAY_TASK_ID}/\${SLURM_ARRAY_TASK_COUNT}" ${OPTS[@]@Q} OUTPUT_DIR "$W/sharded"
EOF2
JOB=$(sbatch --parsable --array=1-3 "$W/eval_shards.sbatch")
log "submitted array job $JOB"

# Shard 2: once its first image is in its partial file, freeze it (SIGSTOP), check it is mid-run, kill it with
# SIGKILL through SLURM and requeue it.
partial="$W/sharded/inference/ann/predictions.shard-2-of-3.partial.jsonl"
lines() { [[ -f "$partial" ]] && grep -c '"image_id"' "$partial" || echo 0; }
pid=""
for ((i = 0; i < 6000; ++i)); do  # up to 120 s, polling without starting a process each time
  if [[ -z "$pid" ]]; then pid=$(pgrep -f -- "--shard 2/3" | head -1 || true); fi
  if [[ -n "$pid" && -f "$partial" ]] && grep -q '"image_id"' "$partial"; then break; fi
  sleep 0.02
done
[[ -n "$pid" ]] || { echo "shard 2 never started"; exit 1; }
kill -STOP "$pid"
done_before=$(lines)
log "shard 2 stopped after $done_before of 16 images"
((done_before >= 1 && done_before < 16)) || { echo "shard 2 was not mid-run ($done_before/16 images)"; exit 1; }
scancel --signal=KILL "${JOB}_2"
wait_for 60 "shard 2 to end" bash -c "! squeue -h -j '${JOB}_2' -t R,CG | grep -q ."
kill -0 "$pid" 2> /dev/null && { echo "shard 2's process survived SIGKILL"; exit 1; }
scontrol requeue "${JOB}_2"
scontrol update JobId="${JOB}_2" StartTime=now  # SLURM delays a requeued job's start; this test need not wait
log "shard 2 killed and requeued"

wait_for 600 "every shard to finish" bash -c "! squeue -h -j '$JOB' | grep -q ."
out="$W/sharded/inference/ann"
for k in 1 2 3; do [[ -s "$out/bbox.shard-$k-of-3.json" ]] || { echo "shard $k wrote no results"; exit 1; }; done
grep -h -i "resum" "$W"/job-*_2.out || true
sacct_line=$(scontrol show job "${JOB}_2" | grep -o 'Restarts=[0-9]*' || true)
log "shard 2: $sacct_line"
[[ "$sacct_line" != "Restarts=0" ]] || { echo "shard 2 was not restarted"; exit 1; }

# --- merge, score, compare with one unsharded run
"$GLIP" merge "$out"
"$GLIP" eval --results "$out/bbox.json" --ann-file "$W/data/ann.json" OUTPUT_DIR "$W/merged_scores" > "$W/merged.txt"
"$GLIP" eval "${EVAL_ARGS[@]}" "${OPTS[@]}" OUTPUT_DIR "$W/single" > "$W/single.txt"
python3 - "$out/bbox.json" "$W/single/inference/ann/bbox.json" "$W/merged_scores/metrics.json" \
  "$W/single/inference/ann/metrics.json" << 'PY'
import json, sys
merged, single = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: (d["image_id"], d["category_id"], d["score"], d["bbox"])
assert len(merged) == len(single) > 0, (len(merged), len(single))
assert sorted(merged, key=key) == sorted(single, key=key), "merged detections differ from the unsharded run"
m, s = (json.load(open(p)) for p in sys.argv[3:5])
assert m == s, (m, s)  # every metric, per category too
print(f"merged = unsharded: {len(merged)} detections, identical metrics")
PY
diff <(grep 'Average' "$W/merged.txt") <(grep 'Average' "$W/single.txt")
log "pass"
