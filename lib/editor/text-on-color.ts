/** Dark text, for light backgrounds. */
const dark = "#1b1b1f"
/** Light text, for dark backgrounds. */
const light = "#ffffff"

// WCAG 2's relative luminance of a #rrggbb colour.
function luminance(color: string): number {
  const [r, g, b] = [1, 3, 5].map(i => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
}

/** Dark or light text, whichever contrasts more with `color` (#rrggbb) by WCAG's measure: for a name or initials on a person's colour. */
export function textOn(color: string): string {
  const background = luminance(color)
  return contrast(background, luminance(dark)) >= contrast(background, luminance(light)) ? dark : light
}
