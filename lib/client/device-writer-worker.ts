// The dedicated worker behind WorkerWriter (see serveDeviceWrites).
import { serveDeviceWrites, type WorkerScope } from "./device-writer-host"

serveDeviceWrites(globalThis as unknown as WorkerScope)
