// Preloaded into a benchmarked server with NODE_OPTIONS="--import=<this file>" (or --import for a
// peer): the measurements the benchmark needs from inside the process, without touching its code.
// - BENCH_CPU_PROF_DIR: profile the process from start to exit as `node --cpu-prof` would (which
//   NODE_OPTIONS does not allow) and write <dir>/<pid>.cpuprofile at exit.
// - BENCH_MEMORY_DIR: on SIGUSR2, fill the young generation with garbage, collect garbage (twice)
//   and write process.memoryUsage() to <dir>/<pid>.json, so that memory is read after a full
//   collection and with every page of the young generation resident. Without the fill, RSS counts
//   only the young-generation pages that allocation happened to reach since they were committed
//   (up to 32 MB on Node 20), which made readings 1,000 connections apart differ by up to 16 MB
//   from run to run.
import { Session } from "node:inspector"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

const profileDir = process.env.BENCH_CPU_PROF_DIR
if (profileDir) {
  const session = new Session()
  session.connect()
  session.post("Profiler.enable")
  session.post("Profiler.start")
  // An in-process inspector session answers synchronously, so this completes inside the exit handler.
  process.on("exit", () => {
    session.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(join(profileDir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile))
    })
  })
}

const memoryDir = process.env.BENCH_MEMORY_DIR
if (memoryDir) {
  setFlagsFromString("--expose-gc")
  const gc = runInNewContext("gc")
  process.on("SIGUSR2", () => {
    // About 120 MB of short-lived arrays: several times the largest young generation, and
    // nothing survives, so it neither grows the heap nor changes what the collection keeps.
    let last = null
    for (let i = 0; i < 400_000; i++) last = new Array(32).fill(i)
    if (last.length != 32) throw new Error("unreachable")
    gc()
    gc()
    writeFileSync(join(memoryDir, `${process.pid}.json`), JSON.stringify({ ...process.memoryUsage(), at: Date.now() }))
  })
}
