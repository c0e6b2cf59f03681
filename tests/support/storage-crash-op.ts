import type { CommittedOp } from "../../lib/protocol"

/** The op the crash writer commits at `version`, so that the test can check what it finds after a kill. */
export function crashOp(version: number): CommittedOp {
  return {
    version,
    clientId: "crash-writer",
    seq: version,
    baseVersion: version - 1,
    steps: [{ stepType: "replace", from: 1, to: 1, slice: { content: [{ type: "text", text: `op ${version}` }] } }],
    author: { name: "Crash", color: "#ff0000" },
    time: 1_700_000_000_000 + version
  }
}
