import type { Node } from "prosemirror-model"
import { runOperationalTransform, sharedHeadline, startDocument, type Edit, type Scenario } from "../strategies"
import { runLab, resolveInRun, type LabRun, type Resolution } from "./lab-run"
import { openingStory } from "./opening-story"
import { freshRecording, isSplit, lastEventAt, recordEdits, recordNetwork, withClockSkew, withLeader, withoutLeader } from "./recording"

/** Where the lab's scenario came from: recorded here (possibly on top of a loaded one), a built-in one, or an imported one. */
export type LabSource = { kind: "recording" } | { kind: "built-in"; index: number } | { kind: "imported" }

/**
 * Everything the lab shows: the scenario being recorded, each leader's document (what their editor
 * shows: the OT replay's), and the last run of every strategy. Pure data, changed only by `labReducer`.
 */
export interface LabState {
  scenario: Scenario
  source: LabSource
  /** The last imported scenario, offered again in the picker. */
  imported: Scenario | null
  /** The clock reading (ms, as the actions' `now`) at scenario time 0. */
  clockOrigin: number
  docs: Record<string, Node>
  run: LabRun | null
  /** Why the last run or load failed. */
  error: string | null
  /** Counts loads and fresh starts: editors begin anew (with no undo history) when it changes. */
  epoch: number
}

/** What can happen in the lab. `now` is a clock reading in ms (performance.now() in the page). */
export type LabAction =
  | { type: "edit"; leader: string; edits: readonly Edit[]; doc: Node; now: number }
  | { type: "network"; change: "partition" | "heal"; now: number }
  | { type: "skew"; leader: string; clockSkewMs: number }
  | { type: "add-leader"; name: string }
  | { type: "remove-leader"; name: string }
  | { type: "load"; scenario: Scenario; source: LabSource; now: number }
  | { type: "start-over"; now: number }
  | { type: "run" }
  | { type: "resolve"; resolution: Resolution }

/** The name of a scenario recorded from scratch in the lab. */
export const recordingName = "Lab recording"

const recordingDescription = "Recorded in the conflict lab: the leaders type in their editors, and the network splits and heals when you say."

/**
 * The lab as it opens: a recording on the shared headline's document that already holds the opening
 * story (opening-story.ts), every editor showing its OT result, nothing run; new edits come after it.
 */
export function initialLabState(): LabState {
  const scenario: Scenario = { ...freshRecording(sharedHeadline, recordingName, openingStory.description), events: structuredClone([...openingStory.events]) }
  return {
    ...startOver(scenario, -(lastEventAt(scenario) + 1000)),
    docs: runOperationalTransform(scenario).docs
  }
}

function startOver(scenario: Scenario, now: number): LabState {
  const start = startDocument(scenario)
  return {
    scenario, source: { kind: "recording" }, imported: null, clockOrigin: now,
    docs: Object.fromEntries(scenario.leaders.map(l => [l.name, start])), run: null, error: null, epoch: 0
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

// The scenario as changed in the lab: a loaded scenario that gets edits becomes a recording of its own.
function changed(state: LabState, scenario: Scenario): LabState {
  if (state.source.kind == "recording") return { ...state, scenario }
  return { ...state, source: { kind: "recording" }, scenario: { ...scenario, name: `${scenario.name}, continued in the lab` } }
}

// Scenario time for something happening at clock reading `now`: never before the last event, and after it for an edit,
// so that edits of different changes are never taken as concurrent.
function timeAt(state: LabState, now: number, edit: boolean): number {
  const last = lastEventAt(state.scenario)
  const at = Math.max(0, Math.round(now - state.clockOrigin))
  return state.scenario.events.length ? Math.max(at, edit ? last + 1 : last) : at
}

// The state with a new run of its scenario; `showResult` puts the OT result in every editor.
function withRun(state: LabState, showResult: boolean): LabState {
  try {
    const run = runLab(state.scenario)
    return { ...state, run, ...(showResult ? { docs: run.docs } : {}), error: null }
  } catch (error) {
    return { ...state, error: message(error) }
  }
}

/**
 * The lab's state after `action`. An edit is recorded against its leader's document and, unless the
 * network is split, every leader's editor then shows the result (edits spread at once, as under OT); while
 * split only the leader's own does. A heal replays the scenario under every strategy and every editor
 * shows the OT result. Loading a scenario replays it; new edits are then recorded after its last event.
 */
export function labReducer(state: LabState, action: LabAction): LabState {
  switch (action.type) {
    case "edit": {
      if (action.edits.length == 0) return state
      const scenario = recordEdits(state.scenario, action.leader, action.edits, timeAt(state, action.now, true))
      const split = isSplit(scenario)
      const docs = split ? { ...state.docs, [action.leader]: action.doc } : Object.fromEntries(Object.keys(state.docs).map(name => [name, action.doc]))
      return { ...changed(state, scenario), docs }
    }
    case "network": {
      const scenario = recordNetwork(state.scenario, action.change, timeAt(state, action.now, false))
      if (scenario == state.scenario) return state
      const next = changed(state, scenario)
      return action.change == "heal" ? withRun(next, true) : next
    }
    case "skew":
      return changed(state, withClockSkew(state.scenario, action.leader, action.clockSkewMs))
    case "add-leader": {
      const scenario = withLeader(state.scenario, action.name)
      const doc = runOperationalTransform(scenario).docs[action.name]
      return { ...changed(state, scenario), docs: { ...state.docs, [action.name]: doc } }
    }
    case "remove-leader": {
      const scenario = withoutLeader(state.scenario, action.name)
      const { [action.name]: _, ...docs } = state.docs
      return { ...changed(state, scenario), docs }
    }
    case "load": {
      let run: LabRun
      try {
        run = runLab(action.scenario)
      } catch (error) {
        return { ...state, error: message(error) }
      }
      return {
        scenario: action.scenario, source: action.source, imported: action.source.kind == "imported" ? action.scenario : state.imported,
        clockOrigin: action.now - (lastEventAt(action.scenario) + 1000), docs: run.docs, run, error: null, epoch: state.epoch + 1
      }
    }
    case "start-over": {
      const scenario = freshRecording(state.scenario, recordingName, recordingDescription)
      return { ...startOver(scenario, action.now), imported: state.imported, epoch: state.epoch + 1 }
    }
    case "run":
      return withRun(state, false)
    case "resolve":
      if (!state.run) return state
      try {
        return { ...state, run: resolveInRun(state.run, action.resolution), error: null }
      } catch (error) {
        return { ...state, error: message(error) }
      }
  }
}
