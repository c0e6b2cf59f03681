/**
 * Child process for the logger's crash test: logs `count` (the first argument) numbered lines at warn
 * through the server's default logger, then kills itself with SIGKILL, so that nothing runs after the last line.
 */
import { createLogger } from "../../server/log"

const log = createLogger("warn")
const count = Number(process.argv[2])
for (let line = 1; line <= count; line++) log.warn({ line }, "numbered")
process.kill(process.pid, "SIGKILL")
