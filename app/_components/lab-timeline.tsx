import { clockTime, type Scenario, type ScenarioEvent } from "@/lib/strategies"

function describe(event: ScenarioEvent): string {
  if ("partition" in event) return "The network splits"
  if ("heal" in event) return "The network heals"
  const { leader, edit } = event
  if (edit.type == "insertBlock") return `${leader} adds a block “${edit.text}”`
  const block = typeof edit.block == "number" ? `block ${edit.block + 1}` : `block ${edit.block}`
  if (edit.type == "deleteBlock") return `${leader} deletes ${block}`
  if (edit.to > edit.from && edit.text) return `${leader} replaces ${edit.to - edit.from} character${edit.to - edit.from == 1 ? "" : "s"} in ${block} with “${edit.text}”`
  if (edit.text) return `${leader} types “${edit.text}” in ${block}`
  return `${leader} deletes ${edit.to - edit.from} character${edit.to - edit.from == 1 ? "" : "s"} in ${block}`
}

/** The scenario's events as a list people can read: when (on the real clock), who, and what. */
export function LabTimeline({ scenario }: { scenario: Scenario }) {
  const { events } = scenario
  return (
    <details className="lab-timeline" data-testid="lab-timeline">
      <summary>Recorded events <span className="lab-count">{events.length}</span></summary>
      {events.length == 0 ? (
        <p className="lab-hint">Nothing yet: type in an editor, or split the network.</p>
      ) : (
        <ol>
          {events.map((event, i) => (
            <li key={i} className={"edit" in event ? "lab-event" : "lab-event lab-event-network"}>
              <time>{clockTime(event.at, scenario.startTime)}</time> {describe(event)}
            </li>
          ))}
        </ol>
      )}
    </details>
  )
}
