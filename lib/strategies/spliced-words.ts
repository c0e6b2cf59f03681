import type { BrokenWordInput } from "./broken-words"
import type { CharOrigins } from "./char-origins"
import type { EditKnowledge } from "./edit-knowledge"
import { eventLeader } from "./scenario"
import type { SplicedWord } from "./strategy"

/** What the spliced-word count looks at: what the broken-word count does. */
export type SplicedWordInput = BrokenWordInput

// The words of a surviving text: maximal runs of characters that are not whitespace, as the characters were typed.
function wordsOf(text: string, origins: CharOrigins): string[] {
  const words: string[] = []
  let word = ""
  for (const char of text) {
    if (/\s/.test(origins.origin(char)?.char ?? char)) {
      if (word) words.push(word)
      word = ""
    } else word += char
  }
  if (word) words.push(word)
  return words
}

/**
 * The counting rule, the same for every strategy. A word of a surviving text is spliced when it holds
 * characters typed by two edits neither of which had seen the other: a word nobody wrote, made of
 * concurrent edits ("6:30" of "5:30" and "6", or ":306"). Text of the starting document, which every
 * edit had seen, splices nothing; nor does text someone typed into a word they had seen. A word counts
 * once however many texts show it. Words broken (broken-words.ts) are spliced too; a spliced word need
 * not be broken: concurrent text may sit beside a typed word rather than inside it.
 */
export function findSplicedWords(input: SplicedWordInput): SplicedWord[] {
  const found = new Map<string, SplicedWord>()
  for (const text of input.survivors) {
    for (const word of wordsOf(text, input.origins)) {
      if (found.has(word)) continue
      const events = [...new Set([...word].flatMap(char => input.origins.origin(char)?.event ?? []))].sort((a, b) => a - b)
      const pair = concurrentPair(events, input.knowledge)
      if (!pair) continue
      const leaders = [...new Set(events.map(event => eventLeader(input.scenario, event)))]
      found.set(word, { word: input.origins.restore(word), leaders, events: pair })
    }
  }
  return [...found.values()]
}

// The first two of `events` (ascending) neither of which had seen the other, or null.
function concurrentPair(events: readonly number[], knowledge: EditKnowledge): [number, number] | null {
  for (let i = 0; i < events.length; i++)
    for (let j = i + 1; j < events.length; j++)
      if (!knowledge.saw(events[j], events[i]) && !knowledge.saw(events[i], events[j])) return [events[i], events[j]]
  return null
}
