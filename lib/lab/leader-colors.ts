/** The colours the lab gives leaders, in order: Delhi blue, Mumbai orange, then green and violet. */
export const leaderColors = ["#1971c2", "#e8590c", "#2b8a3e", "#7048e8", "#c2255c", "#0c8599", "#5c940d", "#862e9c"] as const

/** The names the lab offers for a leader added after Delhi and Mumbai, in order. */
export const extraLeaderNames = ["Chennai", "Kolkata"] as const

/** The colour of the leader at `index` in the scenario's list. */
export function leaderColor(index: number): string {
  return leaderColors[index % leaderColors.length]
}
