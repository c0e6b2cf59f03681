import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** One line of a profile summary: where the time went, in ms and as a share of the work time. */
export interface ProfileEntry {
  name: string
  ms: number
  share: number
}

/** Self time of V8 CPU profiles (node --cpu-prof) by function and by package or source folder. */
export interface ProfileSummary {
  /** How many profiles were added up (a process writes one per thread). */
  processes: number
  /** Sampled time spent working, in ms: not idle, not loading modules. */
  workMs: number
  idleMs: number
  /** Time in Node's and tsx's module loaders, mostly at startup. */
  loadingMs: number
  functions: ProfileEntry[]
  places: ProfileEntry[]
}

// Where a frame's code lives: a package, a folder of the repository, a Node internal, or the engine.
function place(url: string, root: string): string {
  if (!url) return "(V8: GC, native code)"
  const path = url.replace(/^file:\/\//, "")
  const modules = path.lastIndexOf("node_modules/")
  if (modules >= 0) {
    const [scope, name] = path.slice(modules + "node_modules/".length).split("/")
    return scope.startsWith("@") ? `${scope}/${name}` : scope
  }
  if (path.startsWith("node:")) return path
  const inside = relative(root, path)
  return inside.startsWith("..") ? path : inside.split("/").slice(0, 2).join("/")
}

function isLoading(url: string): boolean {
  return /^node:internal\/modules\/|node_modules\/tsx\/|^node:internal\/deps\/cjs-module-lexer/.test(url)
}

function top(map: Map<string, number>, work: number, count: number): ProfileEntry[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, ms]) => ({ name, ms, share: ms / work }))
}

/**
 * Summarize .cpuprofile files, added up: self time per function and per package (or folder under
 * `root`), with idle time and module loading set apart. Times are sampled wall time: on a busy
 * machine they include time the process waited for a core.
 */
export function summarizeProfiles(files: readonly string[], root: string, count = 15): ProfileSummary {
  const functions = new Map<string, number>()
  const places = new Map<string, number>()
  let work = 0, idle = 0, loading = 0
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile
    const byId = new Map(profile.nodes.map(n => [n.id, n]))
    const self = new Map<number, number>()
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000))
    for (const [id, ms] of self) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame
      if (functionName == "(idle)") {
        idle += ms
        continue
      }
      if (isLoading(url)) {
        loading += ms
        continue
      }
      work += ms
      const where = place(url, root)
      const at = url ? ` ${url.startsWith("file://") ? relative(root, url.slice(7)) : url}:${lineNumber + 1}` : ""
      const name = `${functionName || "(anonymous)"}${at}`
      functions.set(name, (functions.get(name) ?? 0) + ms)
      places.set(where, (places.get(where) ?? 0) + ms)
    }
  }
  return { processes: files.length, workMs: work, idleMs: idle, loadingMs: loading, functions: top(functions, work, count), places: top(places, work, count) }
}

/** The .cpuprofile files written into `dir`. */
export function profilesIn(dir: string): string[] {
  return readdirSync(dir).filter(f => f.endsWith(".cpuprofile")).map(f => join(dir, f))
}

/** A profile summary as markdown list lines under a heading line. */
export function formatSummary(heading: string, s: ProfileSummary): string {
  const line = (e: ProfileEntry) => `  - ${(e.share * 100).toFixed(1)}% ${e.name} (${e.ms.toFixed(0)} ms)`
  return [
    `${heading}${s.processes > 1 ? ` (${s.processes} processes added up)` : ""}: ${(s.workMs / 1000).toFixed(2)} s working, ${(s.loadingMs / 1000).toFixed(2)} s loading modules, ${(s.idleMs / 1000).toFixed(1)} s idle. Self time of the work by package or folder:`,
    ...s.places.map(line),
    "  By function:",
    ...s.functions.map(line)
  ].join("\n")
}
