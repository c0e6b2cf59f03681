/** One toolbar command as the toolbar and its "More" menu show it, resolved against the current editor state. */
export interface ToolbarAction {
  /** The item's id; the control's test id is "tb-" + id. */
  id: string
  /** Accessible name and tooltip, with the shortcut when there is one. */
  title: string
  /** The name alone, without the shortcut: what a phone's "More" menu shows. */
  label: string
  active: boolean
  enabled: boolean
  /** Kept on a phone's toolbar; the others go into its "More" menu. */
  phone: boolean
  run: () => void
}
