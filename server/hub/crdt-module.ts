let crdtModule: Promise<typeof import("./crdt-state")> | null = null

/** The hub's CRDT support (Yjs, y-prosemirror), loaded the first time a CRDT document needs it. */
export function crdtState(): Promise<typeof import("./crdt-state")> {
  return (crdtModule ??= import("./crdt-state"))
}
