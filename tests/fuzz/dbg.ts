import { Step } from "prosemirror-transform"
import { schema } from "../../lib/schema"
import { stepsProblem } from "./hostile-steps"
const doc = schema.node("doc", null, [schema.node("paragraph", null, [schema.text("hello world")])])
for (const openEnd of [2, 5, 20, 1000]) {
  const json = { stepType: "replace", from: 3, to: 3, slice: { content: [{ type: "text", text: "x" }], openEnd } }
  const t = performance.now()
  console.log(openEnd, stepsProblem([json], doc), (performance.now() - t).toFixed(1))
}
