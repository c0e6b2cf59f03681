import type { ReactNode } from "react"

function Svg({ children }: { children: ReactNode }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="2"
      strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  )
}

/** The toolbar's glyphs by item id: letters where a letter says it best, line icons elsewhere. */
export const toolbarIcons: Record<string, ReactNode> = {
  bold: <span className="glyph glyph-bold">B</span>,
  italic: <span className="glyph glyph-italic">I</span>,
  strike: <span className="glyph glyph-strike">S</span>,
  code: <Svg><path d="m8 7-5 5 5 5" /><path d="m16 7 5 5-5 5" /></Svg>,
  link: <Svg><path d="M10 13.5a4.5 4.5 0 0 0 6.8.5l2.7-2.7a4.5 4.5 0 0 0-6.4-6.4L11.6 6.4" /><path d="M14 10.5a4.5 4.5 0 0 0-6.8-.5l-2.7 2.7a4.5 4.5 0 0 0 6.4 6.4l1.5-1.5" /></Svg>,
  paragraph: <span className="glyph">¶</span>,
  h1: <span className="glyph glyph-heading">H1</span>,
  h2: <span className="glyph glyph-heading">H2</span>,
  h3: <span className="glyph glyph-heading">H3</span>,
  bullet: <Svg><path d="M9 6h12M9 12h12M9 18h12" /><circle cx="4" cy="6" r="1" fill="currentColor" /><circle cx="4" cy="12" r="1" fill="currentColor" /><circle cx="4" cy="18" r="1" fill="currentColor" /></Svg>,
  ordered: <Svg><path d="M10 6h11M10 12h11M10 18h11" /><path d="M4 4.5h1.2v4" /><path d="M6.6 19.5H3.6c0-1.6 2.9-2 2.9-3.4 0-.8-.6-1.2-1.4-1.2-.6 0-1.1.3-1.4.8" /></Svg>,
  quote: <Svg><path d="M4 5v14" /><path d="M9 7h11M9 12h11M9 17h7" /></Svg>,
  codeblock: <Svg><rect x="3" y="4" width="18" height="16" rx="2.5" /><path d="m10 9.5-2.5 2.5 2.5 2.5" /><path d="m14 9.5 2.5 2.5-2.5 2.5" /></Svg>,
  undo: <Svg><path d="M9 14 4 9l5-5" /><path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" /></Svg>,
  redo: <Svg><path d="m15 14 5-5-5-5" /><path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13" /></Svg>,
  more: <Svg><circle cx="5" cy="12" r="1" fill="currentColor" /><circle cx="12" cy="12" r="1" fill="currentColor" /><circle cx="19" cy="12" r="1" fill="currentColor" /></Svg>
}
