import { CharOrigins } from "../../lib/strategies/char-origins"
import { EditKnowledge, type Scenario, type ScenarioEvent } from "../../lib/strategies"

/** A piece of a hand-made surviving text: [event, from, to] (that edit's typed characters from..to), or plain text. */
export type SurvivorPiece = string | [number, number, number]

/**
 * What the lab's word counts (broken-words.ts, spliced-words.ts) read, for a hand-made result of `events`
 * on a document holding "Hello": each of `texts` a surviving text built from the traced scenario's typed text.
 */
export function handMadeSurvivors(leaders: Scenario["leaders"], events: ScenarioEvent[], ...texts: SurvivorPiece[][]) {
  const scenario: Scenario = { name: "hand-made", description: "", start: ["Hello"], leaders, events }
  const origins = new CharOrigins()
  const traced = origins.trace(scenario)
  const typed = (event: number) => { const e = traced.events[event]; return "edit" in e && e.edit.type != "deleteBlock" ? e.edit.text : "" }
  const survivors = texts.map(pieces => pieces.map(p => (typeof p == "string" ? p : typed(p[0]).slice(p[1], p[2]))).join(""))
  return { scenario: traced, origins, survivors, knowledge: new EditKnowledge(traced) }
}
