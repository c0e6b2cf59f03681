// Preloaded into a benchmarked server with NODE_OPTIONS="--import=<this file>" (or --import for a
// peer): the measurements the benchmark needs from inside the process, without touching its code.
// - BENCH_CPU_PROF_DIR: profile the process from start to exit as `node --cpu-prof` would (which
//   NODE_OPTIONS does not allow) and write <dir>/<pid>.cpuprofile at exit.
// - BENCH_MEMORY_DIR: on SIGUSR2, collect garbage (twice) and write process.memoryUsage() to
//   <dir>/<pid>.json, so that memory is read after a full collection.
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
    gc()
    gc()
    writeFileSync(join(memoryDir, `${process.pid}.json`), JSON.stringify({ ...process.memoryUsage(), at: Date.now() }))
  })
}
