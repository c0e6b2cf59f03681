import { io, type Socket } from "socket.io-client"
import type { ClientToServerEvents, LeanOp, PackedOp, Reply, ServerToClientEvents, SubmitResult } from "../lib/protocol"
import { createDocument, knownLinks } from "../tests/support/link-registry"
import { addTyped, randomTextPosition } from "./peers/paragraph-lengths"

/** What a light client tells `onOps` of an op (of its steps it reads only where they type and how much). */
export type OpKey = Pick<LeanOp, "version" | "clientId" | "seq">

/**
 * A benchmark client that costs almost nothing on its own side: it keeps no ProseMirror document,
 * only the version and the text length of each paragraph, and submits one-character inserts at
 * random positions on the version it last saw (the hub transforms them).
 */
export class LightClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>
  version = 0
  /** The text length of each paragraph at `version`. */
  paragraphs: number[] = [0]
  seq = 0
  inflight = false
  onOps: (ops: readonly OpKey[]) => void = () => {}
  onAck: (result: SubmitResult) => void = () => {}

  constructor(readonly url: string, readonly docId: string, readonly clientId: string) {
    this.socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false })
    this.socket.on("ops", message => {
      // A member that did not ask for detail receives packed ops: [version, clientId, seq, baseVersion, steps, ...].
      const packed = message.ops as PackedOp[]
      for (const [version, , , , steps] of packed) if (version > this.version) {
        this.version = version
        for (const step of steps) if (Array.isArray(step) && typeof step[1] == "string") addTyped(this.paragraphs, step[0], step[1].length)
      }
      this.onOps(packed.map(([version, clientId, seq]) => ({ version, clientId, seq })))
    })
  }

  /**
   * Connect and join with the document's edit link (creating the document first when asked); the document
   * must hold only paragraphs of text, and be typed into only by LightClients while they are joined.
   */
  async join(create = false): Promise<void> {
    if (!this.socket.connected) await new Promise<void>(resolve => this.socket.once("connect", () => resolve()))
    const token = create ? (await createDocument(this.socket, this.docId)).edit : knownLinks(this.docId).edit
    const reply = await this.socket.emitWithAck("join", { docId: this.docId, clientId: this.clientId, secret: `bench-secret-${this.clientId}`, token, version: null, user: { name: this.clientId, color: "#224488" } })
    if (!reply.ok) throw new Error(reply.error.message)
    this.version = reply.value.version
    const doc = reply.value.snapshot!.doc as { content?: { content?: { text: string }[] }[] }
    this.paragraphs = (doc.content ?? [{}]).map(paragraph => (paragraph.content ?? []).reduce((n, t) => n + t.text.length, 0))
  }

  /** Submit one character at a random position; resolves with the acknowledgement. */
  async typeOne(): Promise<SubmitResult> {
    this.inflight = true
    const pos = randomTextPosition(this.paragraphs)
    const reply: Reply<SubmitResult> = await this.socket.emitWithAck("submit", {
      docId: this.docId, clientId: this.clientId, seq: ++this.seq, baseVersion: this.version,
      steps: [{ stepType: "replace", from: pos, to: pos, slice: { content: [{ type: "text", text: "x" }] } }]
    })
    this.inflight = false
    if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`)
    this.onAck(reply.value)
    return reply.value
  }

  close(): void {
    this.socket.close()
  }
}
