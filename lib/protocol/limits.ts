/** Limits enforced by the hub; docs/PROTOCOL.md lists the same numbers. */
export const limits = {
  /** Socket.IO's maxHttpBufferSize: the largest message a client may send, in bytes. */
  maxMessageBytes: 1_000_000,
  /** Steps in one submitted batch. */
  maxStepsPerBatch: 1_000,
  /** Characters (the document's content size) a document may reach. */
  maxDocumentSize: 2_000_000,
  /** Ops returned by one catch-up page. */
  maxOpsPerPage: 2_000,
  /**
   * Ops one history page returns, and one authorship request counts over: each costs the hub's thread
   * in proportion (some 35 µs an op), so one read request stays a few ms however it is asked.
   */
  maxReadOps: 500,
  /** Ops whose steps one `docAt` reply carries at most; a version further from its snapshot comes whole. */
  maxDocAtOps: 2_000,
  /** Ops an `authorship` request counts over when it names no window. */
  authorshipWindow: 500,
  /** A joining client further behind than this gets a snapshot instead of ops. */
  catchUpOpLimit: 1_000,
  /** Bytes of one CRDT (Yjs) update, decoded. */
  maxUpdateBytes: 512_000,
  /** Bytes of one CRDT awareness update (carets and names, y-protocols), decoded. */
  maxAwarenessBytes: 4_096,
  /** Entries in a version vector, and versions of one block kept in a conflict. */
  maxVectorEntries: 256,
  maxConflictVersions: 16,
  /** How deep a slice may be open, or its nodes nest, and how deep a document's nodes may nest (the schema's deepest document is far shallower). */
  maxNodeDepth: 64,
  /** Top-level nodes in one step's slice. */
  maxSliceNodes: 10_000,
  /**
   * Ops a submitted batch may be transformed past (its base this far behind the head at most), and the
   * steps those ops hold: the hub's work per request is bounded. A client further behind catches up and
   * rebases itself.
   */
  maxSubmitBehind: 1_000,
  maxConcurrentSteps: 1_000,
  /** A batch's steps times the concurrent steps it is transformed past: a large batch must be that much fresher. */
  maxTransformWork: 100_000,
  /** Length of a display name. */
  maxNameLength: 64,
  /** Documents one `summaries` request may ask about, and the editors' names each summary lists. */
  maxSummaryDocuments: 40,
  summaryEditors: 5
} as const

/** The shape of a document id: URL-safe, 1 to 64 characters. */
export const docIdPattern = /^[A-Za-z0-9_-]{1,64}$/
