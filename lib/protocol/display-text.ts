/**
 * Characters a name or title shown to other people may not hold: C0 and C1 controls, line and
 * paragraph separators, the bidirectional embeddings, overrides and isolates (U+202A-202E,
 * U+2066-2069) and marks (U+200E, U+200F), which reorder or hide the text around them ("\u202Eadmin"
 * shows as "nimda"), and invisible ones: zero width space, word joiner, byte order mark, soft hyphen.
 * Zero width joiners and non-joiners stay: emoji sequences and some scripts need them.
 */
const hidden = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u
const everyHidden = new RegExp(hidden.source, "gu")

/** True when `text` holds a character of `hidden`. */
export function hasHiddenCharacters(text: string): boolean {
  return hidden.test(text)
}

/** `text` without the characters of `hidden`. */
export function withoutHiddenCharacters(text: string): string {
  return text.replace(everyHidden, "")
}

/** True when `text` shows something: a character that is not white space, an invisible one or a combining mark. */
export function showsSomething(text: string): boolean {
  return /[^\s\p{Default_Ignorable_Code_Point}\p{M}]/u.test(text)
}
