import { formatFailure, minimizeFailure, runFuzzSession } from "./fuzz-session"
import { runWordsSession } from "./words-session"
import { option } from "./cli-option"

// Command line: npm run fuzz -- --sessions N --seed S [--actions A] [--keystrokes 1] [--words 1]. Runs seeds S, S+1, ... S+N-1;
// on the first failure prints the seed and its shortest failing prefix (--words: the whole session) and exits 1, else ends with
// "converged N/N sessions". --words runs the sessions of writers typing words at one point (words-session.ts).

const sessions = option("sessions", 1000)
const seed = option("seed", 1)
const options = { maxActions: option("actions", 80), keystrokes: option("keystrokes", 0) == 1 }
const started = performance.now()
const words = option("words", 0) == 1
for (let i = 0; i < sessions; i++) {
  if (words) {
    const result = runWordsSession(seed + i)
    if (result.ok) continue
    console.log(`failed after ${i}/${sessions} sessions converged with every word whole`)
    console.log(formatFailure(result))
    process.exit(1)
  }
  if (runFuzzSession(seed + i, options).ok) continue
  console.log(`failed after ${i}/${sessions} sessions converged`)
  console.log(formatFailure(minimizeFailure(seed + i, options)))
  process.exit(1)
}
console.log(`seeds ${seed}..${seed + sessions - 1} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
console.log(`converged ${sessions}/${sessions} sessions`)
