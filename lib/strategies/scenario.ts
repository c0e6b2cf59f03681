import type { Node } from "prosemirror-model"
import { schema } from "../schema/schema"
import type { DocJSON } from "../protocol/messages"
import { parseClockTime } from "./clock"
import type { Edit } from "./edit"

/** One person editing the shared document, with how far their clock runs ahead of real time (negative: behind). */
export interface ScenarioLeader {
  name: string
  clockSkewMs: number
}

/** A leader makes an edit on their current local document `at` ms of real time after the start. */
export interface EditEvent {
  at: number
  leader: string
  edit: Edit
}

/** The network splits: from now on every leader edits alone. */
export interface PartitionEvent {
  at: number
  partition: true
}

/** The network heals: every leader synchronises with every other. */
export interface HealEvent {
  at: number
  heal: true
}

/** Something that happens in a scenario, in time order. */
export type ScenarioEvent = EditEvent | PartitionEvent | HealEvent

/** The leader who made event `index` of `scenario`, or "" for a partition or a heal. */
export function eventLeader(scenario: Scenario, index: number): string {
  const event = scenario.events[index]
  return "leader" in event ? event.leader : ""
}

/**
 * A recorded set of concurrent edits by several leaders on one starting document, which every
 * strategy replays (invariant 6). `start` is a document's JSON or a list of paragraph texts;
 * `startTime` ("HH:MM:SS", default 17:00:00) is the wall-clock time of `at` 0, used in explanations.
 */
export interface Scenario {
  name: string
  description: string
  startTime?: string
  start: string[] | DocJSON
  leaders: ScenarioLeader[]
  events: ScenarioEvent[]
}

/** The result of checking a scenario: the scenario, or every problem found, each naming where it is. */
export type ScenarioCheck = { ok: true; scenario: Scenario } | { ok: false; errors: string[] }

/**
 * Private-use characters are reserved: the strategies give every typed character one of them to trace
 * where it ends up (char-origins.ts), so there are this many to give and scenario texts may not hold them.
 */
export const maxTracedChars = 0xf900 - 0xe000
const privateUse = /[\ue000-\uf8ff]/

const limits = { leaders: 8, events: 5000, text: 10_000, name: 200, description: 4000, skew: 24 * 3600_000, leaderName: 32 }

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value == "object" && value !== null && !Array.isArray(value)
}

function show(value: unknown): string {
  const text = JSON.stringify(value)
  return text === undefined ? String(value) : text.length > 40 ? text.slice(0, 37) + "..." : text
}

// Collects problems, each prefixed with the path of the value it is about.
class Problems {
  readonly list: string[] = []
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`)
  }
  keys(path: string, value: Record<string, unknown>, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.add(path, `unknown field ${show(key)}; expected ${allowed.join(", ")}`)
  }
  text(path: string, value: unknown, max: number, options: { lines?: boolean; empty?: boolean } = {}): value is string {
    if (typeof value != "string") this.add(path, `expected a string, got ${show(value)}`)
    else if (!options.empty && value.length == 0) this.add(path, "must not be empty")
    else if (value.length > max) this.add(path, `is ${value.length} characters long; at most ${max}`)
    else if (!options.lines && value.includes("\n")) this.add(path, "must not contain a line break; use insertBlock for a new block")
    else if (privateUse.test(value)) this.add(path, "must not contain private-use characters (U+E000 to U+F8FF), which trace typed text")
    else return true
    return false
  }
  integer(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
    if (typeof value == "number" && Number.isInteger(value) && value >= min && value <= max) return true
    this.add(path, `expected an integer from ${min} to ${max}, got ${show(value)}`)
    return false
  }
  blockRef(path: string, value: unknown): void {
    if (typeof value == "string" ? value.length == 0 || value.length > 64 : !(typeof value == "number" && Number.isInteger(value) && value >= 0))
      this.add(path, `expected a block index (an integer from 0) or a block id (1 to 64 characters), got ${show(value)}`)
  }
}

// The starting document: a list of texts, or a document's JSON valid under the schema with unique block ids.
function checkStart(problems: Problems, start: unknown): void {
  if (Array.isArray(start)) {
    if (start.length == 0) problems.add("start", "needs at least one paragraph")
    start.forEach((text, i) => problems.text(`start[${i}]`, text, limits.text, { empty: true }))
    return
  }
  if (!isObject(start)) return problems.add("start", `expected a document's JSON or a list of paragraph texts, got ${show(start)}`)
  let doc: Node
  try {
    doc = schema.nodeFromJSON(start)
    doc.check()
  } catch (e) {
    return problems.add("start", `not a valid document: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (doc.type != schema.topNodeType) problems.add("start", `expected a ${schema.topNodeType.name} node, got ${doc.type.name}`)
  if (privateUse.test(doc.textContent)) problems.add("start", "must not contain private-use characters (U+E000 to U+F8FF), which trace typed text")
  const seen = new Set<string>()
  doc.forEach((block, _, i) => {
    const id = block.attrs.id
    if (typeof id == "string" && seen.has(id)) problems.add(`start.content[${i}].attrs.id`, `block id ${show(id)} is used twice`)
    if (typeof id == "string") seen.add(id)
  })
}

// The leaders' names, or null when the list itself is malformed (events then go unchecked against it).
function checkLeaders(problems: Problems, leaders: unknown): Set<string> | null {
  if (!Array.isArray(leaders) || leaders.length < 2 || leaders.length > limits.leaders) {
    problems.add("leaders", `expected a list of 2 to ${limits.leaders} leaders, got ${show(leaders)}`)
    return null
  }
  const names = new Set<string>()
  leaders.forEach((leader, i) => {
    const path = `leaders[${i}]`
    if (!isObject(leader)) return problems.add(path, `expected { "name", "clockSkewMs" }, got ${show(leader)}`)
    problems.keys(path, leader, ["name", "clockSkewMs"])
    if (problems.text(`${path}.name`, leader.name, limits.leaderName)) {
      if (names.has(leader.name)) problems.add(`${path}.name`, `leader ${show(leader.name)} is listed twice`)
      names.add(leader.name)
    }
    problems.integer(`${path}.clockSkewMs`, leader.clockSkewMs, -limits.skew, limits.skew)
  })
  return names
}

function checkEdit(problems: Problems, path: string, edit: unknown): number {
  if (!isObject(edit)) {
    problems.add(path, `expected an edit object, got ${show(edit)}`)
    return 0
  }
  switch (edit.type) {
    case "replaceText":
      problems.keys(path, edit, ["type", "block", "from", "to", "text"])
      problems.blockRef(`${path}.block`, edit.block)
      if (problems.integer(`${path}.from`, edit.from, 0) && problems.integer(`${path}.to`, edit.to, 0) && edit.to < edit.from)
        problems.add(path, `"to" (${edit.to}) is before "from" (${edit.from})`)
      return problems.text(`${path}.text`, edit.text, limits.text, { empty: true }) ? edit.text.length : 0
    case "insertBlock":
      problems.keys(path, edit, ["type", "after", "text", "id"])
      if (edit.after !== null) problems.blockRef(`${path}.after`, edit.after)
      if (edit.id !== undefined) problems.text(`${path}.id`, edit.id, 64)
      return problems.text(`${path}.text`, edit.text, limits.text, { empty: true }) ? edit.text.length : 0
    case "deleteBlock":
      problems.keys(path, edit, ["type", "block"])
      problems.blockRef(`${path}.block`, edit.block)
      return 0
    default:
      problems.add(`${path}.type`, `expected "replaceText", "insertBlock" or "deleteBlock", got ${show(edit.type)}`)
      return 0
  }
}

function checkEvents(problems: Problems, events: unknown, leaders: Set<string> | null): void {
  if (!Array.isArray(events) || events.length > limits.events) {
    problems.add("events", `expected a list of at most ${limits.events} events, got ${show(events)}`)
    return
  }
  let last = 0, partitioned = false, inserted = 0
  events.forEach((event, i) => {
    const path = `events[${i}]`
    if (!isObject(event)) return problems.add(path, `expected an event object, got ${show(event)}`)
    if (typeof event.at != "number" || !Number.isFinite(event.at) || event.at < 0) problems.add(`${path}.at`, `expected a time in ms from 0, got ${show(event.at)}`)
    else if (event.at < last) problems.add(`${path}.at`, `${event.at} is before the previous event's ${last}; events must be in time order`)
    else last = event.at
    if ("partition" in event) {
      problems.keys(path, event, ["at", "partition"])
      if (event.partition !== true) problems.add(`${path}.partition`, `expected true, got ${show(event.partition)}`)
      else if (partitioned) problems.add(path, "the network is already split")
      partitioned = true
    } else if ("heal" in event) {
      problems.keys(path, event, ["at", "heal"])
      if (event.heal !== true) problems.add(`${path}.heal`, `expected true, got ${show(event.heal)}`)
      else if (!partitioned) problems.add(path, "the network is not split, so there is nothing to heal")
      partitioned = false
    } else if ("edit" in event || "leader" in event) {
      problems.keys(path, event, ["at", "leader", "edit"])
      if (leaders && (typeof event.leader != "string" || !leaders.has(event.leader)))
        problems.add(`${path}.leader`, `expected one of the leaders (${[...leaders].map(show).join(", ")}), got ${show(event.leader)}`)
      inserted += checkEdit(problems, `${path}.edit`, event.edit)
    } else {
      problems.add(path, `expected an edit ({ "at", "leader", "edit" }), { "at", "partition": true } or { "at", "heal": true }, got ${show(event)}`)
    }
  })
  if (inserted > maxTracedChars) problems.add("events", `the edits insert ${inserted} characters; at most ${maxTracedChars} can be traced`)
}

/** Check the ids that insertBlock edits give new blocks: none may repeat another, nor a starting block's. */
function checkBlockIds(problems: Problems, scenario: Scenario): void {
  const taken = new Set(startBlockIds(scenario))
  scenario.events.forEach((event, i) => {
    if (!("edit" in event) || event.edit.type != "insertBlock") return
    const id = insertedBlockId(scenario, i)
    if (taken.has(id)) problems.add(`events[${i}].edit`, `the new block's id ${show(id)} is already taken`)
    taken.add(id)
  })
}

/**
 * Check that `value` is a well-formed scenario: known fields only, every leader named in an event
 * declared, events in time order, partitions and heals alternating, edits well-formed and the
 * starting document valid under the schema. Problems come back as a value, each with its path.
 */
export function validateScenario(value: unknown): ScenarioCheck {
  const problems = new Problems()
  if (!isObject(value)) return { ok: false, errors: [`scenario: expected an object, got ${show(value)}`] }
  problems.keys("scenario", value, ["name", "description", "startTime", "start", "leaders", "events"])
  problems.text("name", value.name, limits.name)
  problems.text("description", value.description, limits.description, { lines: true, empty: true })
  if (value.startTime !== undefined && (typeof value.startTime != "string" || parseClockTime(value.startTime) == null))
    problems.add("startTime", `expected a time "HH:MM:SS", got ${show(value.startTime)}`)
  checkStart(problems, value.start)
  const leaders = checkLeaders(problems, value.leaders)
  checkEvents(problems, value.events, leaders)
  if (problems.list.length == 0) checkBlockIds(problems, value as unknown as Scenario)
  return problems.list.length ? { ok: false, errors: problems.list } : { ok: true, scenario: value as unknown as Scenario }
}

/** A scenario from its JSON value. Throws a RangeError listing every problem when it is not a valid scenario. */
export function scenarioFromJSON(value: unknown): Scenario {
  const check = validateScenario(value)
  if (!check.ok) throw new RangeError(`Invalid scenario: ${check.errors.join("; ")}`)
  return structuredClone(check.scenario)
}

/** Parse a scenario from JSON text; a syntax error is reported like any other problem. */
export function parseScenario(text: string): ScenarioCheck {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { ok: false, errors: [`JSON: ${e instanceof Error ? e.message : String(e)}`] }
  }
  return validateScenario(value)
}

/** A scenario's JSON value: a deep copy with the fields in their usual order. */
export function scenarioToJSON(scenario: Scenario): Scenario {
  const { name, description, startTime, start, leaders, events } = structuredClone(scenario)
  return { name, description, ...(startTime === undefined ? {} : { startTime }), start, leaders, events }
}

/** A scenario as JSON text, two-space indented, for export and for the files under tests/support/scenarios. */
export function serializeScenario(scenario: Scenario): string {
  return JSON.stringify(scenarioToJSON(scenario), null, 2) + "\n"
}

/** The id the block created by the insertBlock edit of event `index` gets: its own `id`, else "<leader>-<index + 1>". */
export function insertedBlockId(scenario: Scenario, index: number): string {
  const event = scenario.events[index]
  if (!("edit" in event) || event.edit.type != "insertBlock") throw new RangeError(`Event ${index} does not insert a block`)
  const slug = event.leader.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "leader"
  return event.edit.id ?? `${slug}-${index + 1}`
}

/**
 * The starting document: the JSON given, or one paragraph per text with ids b1, b2... Top-level
 * blocks of a given document that lack an id get the first free one of the same form.
 */
export function startDocument(scenario: Scenario): Node {
  if (Array.isArray(scenario.start))
    return schema.nodes.doc.create(null, scenario.start.map((text, i) => schema.nodes.paragraph.create({ id: `b${i + 1}` }, text ? schema.text(text) : null)))
  const doc = schema.nodeFromJSON(scenario.start)
  const taken = new Set<string>()
  doc.forEach(block => { if (typeof block.attrs.id == "string") taken.add(block.attrs.id) })
  const blocks: Node[] = []
  doc.forEach((block, _, i) => {
    if (typeof block.attrs.id == "string") return blocks.push(block)
    let id = `b${i + 1}`
    for (let k = 2; taken.has(id); k++) id = `b${i + 1}-${k}`
    taken.add(id)
    blocks.push(block.type.create({ ...block.attrs, id }, block.content, block.marks))
  })
  return doc.type.create(doc.attrs, blocks)
}

/** The ids of the starting document's top-level blocks, in order. */
export function startBlockIds(scenario: Scenario): string[] {
  const ids: string[] = []
  startDocument(scenario).forEach(block => ids.push(block.attrs.id as string))
  return ids
}
