/**
 * A connection's retries, one at a time: each waits twice as long as the one before, from `first` up
 * to `max` ms, until a success resets the delay.
 */
export class Backoff {
  private timer: ReturnType<typeof setTimeout> | null = null
  private delay: number

  constructor(private readonly first: number, private readonly max: number) {
    this.delay = first
  }

  /** Whether a retry is waiting to run. */
  get waiting(): boolean {
    return this.timer != null
  }

  /** Run `action` after the current delay, or after `atLeast` ms when that is longer; nothing when a retry is already waiting. */
  schedule(action: () => void, atLeast = 0): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      action()
    }, Math.max(this.delay, atLeast))
    this.delay = Math.min(this.delay * 2, this.max)
  }

  /** Start again from the first delay: what was retried worked. */
  reset(): void {
    this.delay = this.first
  }

  /** Drop the retry that is waiting, if any. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
