import { limits } from "../lib/protocol"

/** The kinds of request a socket spends budget on. */
export const budgetKinds = ["submit", "presence", "read", "join", "create"] as const
export type BudgetKind = (typeof budgetKinds)[number]

/** `points` to spend in every window of `seconds` (a fixed window, as RateLimiterMemory counts). */
export interface Budget {
  points: number
  seconds: number
}

/** A kind's budget for each socket and, shared by all of them, for each client address. */
export interface KindBudget {
  connection: Budget
  address: Budget
}

/** Every limit the hub puts on one socket and on one client address. */
export interface Budgets {
  /** submit and update; presence; history, docAt, authorship and summaries (weighted, see readCost); join; document creation. */
  submit: KindBudget
  presence: KindBudget
  read: KindBudget
  join: KindBudget
  create: KindBudget
  /** New sockets one address may open. */
  connect: Budget
  /** Sockets one address may hold open at once. */
  socketsPerAddress: number
  /** A socket that has joined no document this long after connecting is disconnected. */
  joinDeadlineMs: number
  /** A socket refused this many times within the window is disconnected. */
  refusals: Budget
}

/**
 * The defaults: each far above what a person in a tab does (the client sends one batch at a time and
 * presence at most every 50 ms). An address gets ten connections' worth of the cheap kinds, so that an
 * office behind one address is not throttled by one flooding tab, but only two or three of reads and
 * joins, which cost the hub tens of ms each (a 2,000-op page, a snapshot) and which a flooder that
 * reconnects would otherwise draw on afresh with every new socket. Reads have short windows, so that
 * what a window allows cannot come as one burst that stalls the hub for long.
 */
export const defaultBudgets: Budgets = {
  submit: { connection: { points: 60, seconds: 1 }, address: { points: 600, seconds: 1 } },
  presence: { connection: { points: 40, seconds: 1 }, address: { points: 400, seconds: 1 } },
  read: { connection: { points: 20, seconds: 2 }, address: { points: 40, seconds: 2 } },
  join: { connection: { points: 20, seconds: 10 }, address: { points: 60, seconds: 10 } },
  create: { connection: { points: 20, seconds: 60 }, address: { points: 120, seconds: 60 } },
  connect: { points: 60, seconds: 10 },
  socketsPerAddress: 50,
  joinDeadlineMs: 15_000,
  refusals: { points: 50, seconds: 10 }
}

/** Ops per read point: a history page of 2,000 ops costs 20 points, one of 100 costs 1. */
const opsPerPoint = 100

/**
 * The points a read costs: a `history` page or an `authorship` window by the ops it covers; a `docAt`
 * 2, for a snapshot and the steps after it (fewer than a snapshot interval, 100 ops by default); a
 * `summaries` request 1 for every two documents (each may be loaded as a join loads it).
 */
export const readCost = {
  summaries: (documents: number) => Math.ceil(documents / 2),
  history: (limit: number | undefined) => Math.ceil((limit ?? 100) / opsPerPoint),
  authorship: (window: number | undefined) => Math.ceil((window ?? limits.authorshipWindow) / opsPerPoint),
  docAt: () => 2
}

/** Overrides of some budgets, as CONCORD_RATE_LIMITS or ServerOptions.rateLimits give them. */
export type BudgetOverrides = {
  [K in keyof Budgets]?: Budgets[K] extends KindBudget ? { connection?: Partial<Budget>; address?: Partial<Budget> }
    : Budgets[K] extends Budget ? Partial<Budget> : number
}

/** The defaults with `overrides` laid over them. Throws RangeError for a field that is unknown or not a positive integer. */
export function budgetsWith(overrides: BudgetOverrides): Budgets {
  const merged = structuredClone(defaultBudgets) as unknown as Record<string, unknown>
  const lay = (target: Record<string, unknown>, source: unknown, path: string) => {
    if (typeof source != "object" || source == null || Array.isArray(source)) throw new RangeError(`${path || "CONCORD_RATE_LIMITS"} must be an object`)
    for (const [key, value] of Object.entries(source)) {
      const where = path ? `${path}.${key}` : key
      if (!Object.hasOwn(target, key)) throw new RangeError(`Unknown rate limit ${where}`)
      if (typeof target[key] == "number") {
        if (!Number.isSafeInteger(value) || (value as number) < 1) throw new RangeError(`Rate limit ${where} must be a positive integer (got ${JSON.stringify(value)})`)
        target[key] = value
      } else lay(target[key] as Record<string, unknown>, value, where)
    }
  }
  lay(merged, overrides, "")
  return merged as unknown as Budgets
}

/**
 * CONCORD_RATE_LIMITS: unset for the defaults, `off` for no budgets at all (benchmarks that open
 * thousands of sockets), or JSON overrides such as `{"submit":{"connection":{"points":500}}}`.
 * Anything else stops the server before it opens its store.
 */
export function budgetsFromEnv(value: string | undefined): Budgets | null {
  if (value == null || value == "") return defaultBudgets
  if (value == "off") return null
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new RangeError(`CONCORD_RATE_LIMITS must be "off" or JSON (got ${value})`)
  }
  return budgetsWith(parsed as BudgetOverrides)
}
