import { insertedBlockId, startDocument, type Scenario } from "./scenario"

/**
 * How the lab names a scenario's blocks for people, whatever has moved them since: a block of the
 * starting document by its place there ("block 2"), a block an event adds as whose it is ("Delhi's new
 * block"), anything else by its id.
 */
export function blockNamer(scenario: Scenario): (id: string) => string {
  const names = new Map<string, string>()
  startDocument(scenario).forEach((block, _, i) => {
    if (typeof block.attrs.id == "string") names.set(block.attrs.id, `block ${i + 1}`)
  })
  scenario.events.forEach((event, i) => {
    if ("edit" in event && event.edit.type == "insertBlock") names.set(insertedBlockId(scenario, i), `${event.leader}'s new block`)
  })
  return id => names.get(id) ?? `block ${id}`
}
