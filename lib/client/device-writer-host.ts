import { ConcordError } from "../protocol/errors"
import { LocalStore } from "./local-store"
import type { FromWorker, ToWorker } from "./worker-writer"

/** The side of a worker (or of a MessagePort) that WorkerWriter talks to. */
export interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null
  postMessage(message: FromWorker): void
}

/** Answer WorkerWriter's messages on `scope`: open the LocalStore it names and store each write there, in order. */
export function serveDeviceWrites(scope: WorkerScope): void {
  let store: Promise<LocalStore> | null = null
  scope.onmessage = ({ data }) => {
    if (data.kind == "open") store = LocalStore.open({ name: data.name })
    else {
      const { id, write } = data
      const opened = store ?? Promise.reject(new ConcordError("ERR_LOCAL_STORAGE", "The storage worker was never told which store to open"))
      opened.then(s => s.write(write)).then(
        () => scope.postMessage({ id }),
        error => scope.postMessage({ id, error: ConcordError.from(error, "ERR_LOCAL_STORAGE").toJSON() })
      )
    }
  }
}
