import { z } from "zod"
import { colorPattern } from "./author-color"
import { hasHiddenCharacters, showsSomething } from "./display-text"
import { ConcordError } from "./errors"
import { limits, docIdPattern } from "./limits"
import { position } from "./step-shape"
import { parseSubmit } from "./submit-check"
import { zodProblem } from "./wire-values"
import { strategyName } from "./strategies"
import type {
  Author, AuthorshipRequest, AwarenessUpdate, CreateRequest, DetailRequest, DocAtRequest, HistoryRequest, JoinRequest, LinksRequest, PresenceUpdate,
  SummariesRequest, UpdateRequest
} from "./messages"

const docId = z.string().regex(docIdPattern, "docId must be 1 to 64 letters, digits, '-' or '_'")
const clientId = z.string().min(1).max(64)
const version = z.number().int().min(0)
const author = z.object({
  name: z.string().trim().min(1).max(limits.maxNameLength)
    .refine(name => !hasHiddenCharacters(name), "name may not hold control, direction-changing or invisible characters")
    .refine(showsSomething, "name must show at least one character"),
  color: z.string().regex(colorPattern, "color must be #rrggbb")
})

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64")
const strategy = strategyName
const role = z.enum(["owner", "edit", "view"])
const create = z.object({ docId: docId.optional(), strategy: strategy.optional() })
const links = z.object({ docId, role, action: z.enum(["reissue", "revoke"]) })
const join = z.object({
  docId, clientId, secret: z.string().min(16).max(128), token: z.string().min(1).max(128), version: version.nullable(), user: author,
  hasUnconfirmed: z.boolean().optional(),
  detail: z.boolean().optional(),
  stateVector: base64.max(100_000).optional()
})
/** The version a restoring batch or update brings back (SubmitRequest.restores, UpdateRequest.restores). */
const restores = version.optional()
const update = z.object({ docId, clientId, seq: z.number().int().min(1), update: base64.min(1), restores, baseVersion: version.optional() })
const presence = z.object({
  docId,
  version,
  selection: z.object({ anchor: position, head: position }).nullable()
})
const history = z.object({ docId, before: version.optional(), limit: z.number().int().min(1).max(limits.maxReadOps).optional() })
const docAt = z.object({ docId, version })
const authorship = z.object({ docId, version, window: z.number().int().min(1).max(limits.maxReadOps).optional() })
const awareness = z.object({ docId, update: base64.min(1).max(Math.ceil(limits.maxAwarenessBytes / 3) * 4) })
const leave = z.object({ docId })
const detail = z.object({ docId, on: z.boolean() })
const summaries = z.object({
  documents: z.array(z.object({ docId, token: z.string().min(1).max(128) })).min(1)
    .max(limits.maxSummaryDocuments, `at most ${limits.maxSummaryDocuments} documents at a time`)
})

function parser<T>(schema: z.ZodType<T>, what: string) {
  return (value: unknown): T => {
    const result = schema.safeParse(value)
    if (result.success) return result.data
    throw new ConcordError("ERR_INVALID_MESSAGE", `Invalid ${what}: ${zodProblem(result.error)}`)
  }
}

/** Validators for every client message; each returns the typed message or throws ConcordError ERR_INVALID_MESSAGE. */
export const parse = {
  create: parser<CreateRequest>(create, "create"),
  links: parser<LinksRequest>(links, "links"),
  detail: parser<DetailRequest>(detail, "detail"),
  join: parser<JoinRequest>(join, "join"),
  submit: parseSubmit,
  update: parser<UpdateRequest>(update, "update"),
  presence: parser<PresenceUpdate>(presence, "presence"),
  awareness: parser<AwarenessUpdate>(awareness, "awareness"),
  history: parser<HistoryRequest>(history, "history"),
  docAt: parser<DocAtRequest>(docAt, "docAt"),
  authorship: parser<AuthorshipRequest>(authorship, "authorship"),
  leave: parser<{ docId: string }>(leave, "leave"),
  summaries: parser<SummariesRequest>(summaries, "summaries"),
  /** Who a batch forwarded by another hub was written by (that hub checked the writer's membership). */
  author: parser<Author>(author, "author")
}
