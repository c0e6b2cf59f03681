/** An author's colour as the protocol takes it: `#rrggbb`. */
export const colorPattern = /^#[0-9a-fA-F]{6}$/

/** The grey drawn for an author whose colour is not a `#rrggbb` colour. */
export const fallbackColor = "#868e96"

/**
 * `color` when it is a `#rrggbb` colour, else the fallback grey: what goes into a style attribute
 * (an author's colour comes from other clients; the hub checks it, but a page draws it only this way).
 */
export function safeColor(color: string): string {
  return colorPattern.test(color) ? color : fallbackColor
}
