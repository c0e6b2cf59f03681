/**
 * `text` cut to at most `max` UTF-16 units without splitting a character made of two (an emoji, most
 * characters outside the Basic Multilingual Plane): such a character at the cut goes whole.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text
  const last = text.charCodeAt(max - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
}
