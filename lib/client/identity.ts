import type { Author } from "../protocol/messages"
import { limits } from "../protocol/limits"
import { colorPattern } from "../protocol/author-color"
import { showsSomething, withoutHiddenCharacters } from "../protocol/display-text"
import { cutText } from "../schema/cut-text"

const storageKey = "concord:identity"

/** Colours for people's carets and avatars: distinct, and dark enough to carry white text. */
export const identityColors = [
  "#d9480f", "#c2255c", "#9c36b5", "#6741d9", "#3b5bdb", "#1971c2",
  "#0c8599", "#087f5b", "#2b8a3e", "#5c940d", "#e67700", "#a61e4d"
] as const

/** What each of identityColors is called, for people who cannot see it. */
const colorNames = ["orange", "pink", "purple", "violet", "indigo", "blue", "cyan", "teal", "green", "olive", "amber", "crimson"]

/** The name of one of identityColors ("teal"), or null for a colour outside the palette. */
export function colorName(color: string): string | null {
  const index = identityColors.indexOf(color.toLowerCase() as (typeof identityColors)[number])
  return index < 0 ? null : colorNames[index]
}

const adjectives = ["Curious", "Quiet", "Brave", "Gentle", "Lucky", "Nimble", "Clever", "Sunny", "Calm", "Bold"]
const animals = ["Heron", "Otter", "Fox", "Lynx", "Wren", "Badger", "Panda", "Falcon", "Koala", "Marten"]

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]
}

/**
 * Trim a display name to what the hub accepts (white space runs as one space, no hidden characters, at
 * most limits.maxNameLength without splitting a character); an empty result means the name is unusable.
 */
export function cleanName(name: string): string {
  const cleaned = cutText(withoutHiddenCharacters(name.replace(/\s+/g, " ")).trim(), limits.maxNameLength).trim()
  return showsSomething(cleaned) ? cleaned : ""
}

function isAuthor(value: unknown): value is Author {
  const v = value as Partial<Author> | null
  return !!v && typeof v.name == "string" && cleanName(v.name).length > 0 &&
    typeof v.color == "string" && colorPattern.test(v.color)
}

/**
 * This browser's identity (display name and colour), kept in localStorage. The first call picks a
 * friendly random name and a random colour and stores them.
 */
export function loadIdentity(): Author {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(storageKey) ?? "null")
    if (isAuthor(stored)) return { name: cleanName(stored.name), color: stored.color }
  } catch {
    // Unreadable storage: fall through to a fresh identity.
  }
  const identity = { name: `${pick(adjectives)} ${pick(animals)}`, color: pick(identityColors) }
  saveIdentity(identity)
  return identity
}

/** Store this browser's identity. Storage that refuses (private mode, quota) is ignored. */
export function saveIdentity(identity: Author): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(identity))
  } catch {
    // The identity then lasts for this page only.
  }
}
