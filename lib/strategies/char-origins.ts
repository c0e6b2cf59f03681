import type { Scenario } from "./scenario"

const first = 0xe000

/** Where a traced character came from: the scenario event whose edit typed it, and the character typed. */
export interface CharOrigin {
  event: number
  char: string
}

/**
 * Gives every character (UTF-16 unit) the scenario's edits insert its own private-use character (U+E000 up),
 * so that a strategy run on the traced scenario shows exactly which typed characters survive, which
 * were deleted and by whom, whatever the texts repeat. Strategies never look at what characters
 * are, so a run on the traced scenario is the run on the real one with the characters renamed;
 * `restore` renames them back for people to read. Scenario validation keeps private-use
 * characters out of scenario texts.
 */
export class CharOrigins {
  private readonly origins: CharOrigin[] = []

  /** Trace `scenario`: returns the traced copy to run, and `this` holds the origin of each traced character. */
  trace(scenario: Scenario): Scenario {
    const traced = structuredClone(scenario)
    traced.events.forEach((event, index) => {
      if (!("edit" in event) || event.edit.type == "deleteBlock") return
      let text = ""
      for (const char of event.edit.text.split("")) {
        text += String.fromCharCode(first + this.origins.length)
        this.origins.push({ event: index, char })
      }
      event.edit.text = text
    })
    return traced
  }

  /** The origin of a traced character, or null for any other (text of the starting document). */
  origin(char: string): CharOrigin | null {
    return this.origins[char.charCodeAt(0) - first] ?? null
  }

  /** Every traced character, in the order the scenario types them. */
  get all(): string[] {
    return this.origins.map((_, i) => String.fromCharCode(first + i))
  }

  /** `text` with every traced character replaced by the character it stands for. */
  restore(text: string): string {
    let result = ""
    for (let i = 0; i < text.length; i++) {
      const origin = this.origin(text[i])
      result += origin ? origin.char : text[i]
    }
    return result
  }

  /** A copy of a JSON-like value with every string restored. */
  restoreDeep<T>(value: T): T {
    if (typeof value == "string") return this.restore(value) as T
    if (Array.isArray(value)) return value.map(v => this.restoreDeep(v)) as T
    if (typeof value == "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
      const result: Record<string, unknown> = {}
      for (const [key, v] of Object.entries(value)) result[key] = this.restoreDeep(v)
      return result as T
    }
    return value
  }
}
