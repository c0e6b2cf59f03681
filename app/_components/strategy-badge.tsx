"use client"

import { useState } from "react"
import { DocConnection } from "@/lib/client/doc-connection"
import { writesCarryClock } from "@/lib/strategies/mode"
import { modeOf } from "@/lib/strategies/registry"
import type { PageConnection } from "./use-doc-connection"

/**
 * Names the conflict strategy the document is served under. On a last-writer-wins document a tab that
 * may write also sets its clock skew here, to show how a clock running ahead decides which write survives.
 */
export function StrategyBadge({ connection }: { connection: PageConnection }) {
  const [skewMinutes, setSkewMinutes] = useState(connection instanceof DocConnection ? connection.clocks.skew / 60_000 : 0)
  const mode = modeOf(connection.strategy)
  // Only a tab that writes has a clock that matters.
  const lww = connection instanceof DocConnection && writesCarryClock(mode) && connection.writable
  return (
    <div className="strategy-badge" data-testid="strategy-badge" data-strategy={connection.strategy}>
      <span className={lww ? "strategy-name is-lww" : "strategy-name"}>{mode.badge}</span>
      {lww && (
        <label className="clock-skew" title="How far this tab's clock runs ahead (or behind, if negative) of real time">
          Clock
          <input type="number" data-testid="clock-skew" min={-60} max={60} step={1} value={skewMinutes}
            onChange={event => {
              const minutes = Math.max(-60, Math.min(60, Number(event.target.value) || 0))
              setSkewMinutes(minutes)
              if (connection instanceof DocConnection) connection.clocks.skew = minutes * 60_000
            }} />
          min
        </label>
      )}
    </div>
  )
}
