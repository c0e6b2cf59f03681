import type { CharOrigins } from "./char-origins"
import type { EditKnowledge } from "./edit-knowledge"
import { eventLeader, type Scenario } from "./scenario"
import type { BrokenWord } from "./strategy"

/** What the broken-word count looks at, all in the traced scenario's characters (char-origins.ts). */
export interface BrokenWordInput {
  scenario: Scenario
  origins: CharOrigins
  /** Texts whose characters survive: every leader's final document and every version waiting in a conflict. */
  survivors: readonly string[]
  /** Which edits had seen which, so that text put inside a word on purpose does not count as breaking it. */
  knowledge: EditKnowledge
}

interface TypedWord {
  event: number
  chars: string[]
}

// Each edit's words: maximal runs of the characters it typed that are not whitespace, in traced characters.
function typedWords(input: BrokenWordInput): TypedWord[] {
  const words: TypedWord[] = []
  let current: TypedWord | null = null
  for (const char of input.origins.all) {
    const { event, char: typed } = input.origins.origin(char)!
    if (/\s/.test(typed)) current = null
    else if (current && current.event == event) current.chars.push(char)
    else words.push((current = { event, chars: [char] }))
  }
  return words
}

/**
 * The counting rule, the same for every strategy. A word is a maximal run of non-whitespace characters
 * typed by one edit, each character traced on its own. It is broken when, in some surviving text, a
 * character that is not its own sits between two of its surviving characters, unless that character's
 * edit had seen the word (someone typing inside it on purpose). A word whose characters are all gone is
 * lost (losses.ts), not broken; one with some deleted and the rest together is whole.
 */
export function findBrokenWords(input: BrokenWordInput): BrokenWord[] {
  const words = typedWords(input)
  const found = new Map<TypedWord, BrokenWord>()
  for (const text of input.survivors) {
    const position = new Map<string, number>()
    for (let i = 0; i < text.length; i++) position.set(text[i], i)
    for (const word of words) {
      if (found.has(word)) continue
      const at = word.chars.map(char => position.get(char)).filter((p): p is number => p !== undefined)
      if (at.length < 2) continue
      const own = new Set(word.chars)
      const [from, to] = [Math.min(...at), Math.max(...at)]
      for (let i = from + 1; i < to; i++) {
        if (own.has(text[i])) continue
        const origin = input.origins.origin(text[i])
        if (origin && input.knowledge.saw(origin.event, word.event)) continue
        found.set(word, {
          event: word.event,
          leader: eventLeader(input.scenario, word.event),
          word: input.origins.restore(word.chars.join("")),
          shownAs: input.origins.restore(text.slice(from, to + 1))
        })
        break
      }
    }
  }
  return words.flatMap(word => found.get(word) ?? [])
}
