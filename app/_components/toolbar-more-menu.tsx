import type { ToolbarAction } from "./toolbar-action"
import { toolbarIcons } from "./toolbar-icons"
import { useMenuButton } from "./use-menu-button"

interface MoreMenuProps {
  /** The commands that do not fit a phone's toolbar. */
  actions: readonly ToolbarAction[]
  /** Whether the "More" button is the toolbar's tab stop. */
  current: boolean
  register: (id: string, element: HTMLButtonElement | null) => void
  onFocus: () => void
}

/**
 * The phone toolbar's "More" button and the menu of the commands it holds, a menu button as WAI-ARIA
 * describes it: Enter, Space or Down open it on the first item, Up on the last; Up, Down, Home and End
 * move; Escape closes it and gives the focus back to the button. Each item shows whether it applies, and
 * its name without a keyboard shortcut: the menu is a phone's.
 */
export function ToolbarMoreMenu({ actions, current, register, onFocus }: MoreMenuProps) {
  const { open, active, setActive, root, button, items, openAt, dismiss, onButtonKey, onMenuKey } = useMenuButton(actions.length)

  return (
    <div className="toolbar-more" ref={root}>
      <button ref={element => {
        button.current = element
        register("more", element)
      }} type="button" className={open ? "tb-button is-active" : "tb-button"} data-testid="tb-more" data-toolbar-id="more"
        tabIndex={current ? 0 : -1} title="More formatting" aria-label="More formatting" aria-haspopup="menu" aria-expanded={open}
        aria-controls="toolbar-more-items"
        // Keep the editor's selection while clicking, for the command chosen next.
        onMouseDown={event => event.preventDefault()}
        onFocus={onFocus} onKeyDown={onButtonKey} onClick={() => (open ? dismiss() : openAt(0))}>
        {toolbarIcons.more}
      </button>
      {open && (
        <div id="toolbar-more-items" className="menu-popup" role="menu" aria-label="More formatting" onKeyDown={onMenuKey}>
          {actions.map((action, index) => (
            <button key={action.id} ref={element => void (items.current[index] = element)} type="button" role="menuitemcheckbox"
              className="menu-item toolbar-more-item" data-testid={`tb-${action.id}`} tabIndex={index == active ? 0 : -1}
              aria-checked={action.active} aria-disabled={!action.enabled || undefined}
              onMouseDown={event => event.preventDefault()}
              // Moving, not entering: a menu that opens under a resting pointer keeps its first item active.
              onMouseMove={() => index != active && setActive(index)}
              onClick={() => {
                if (!action.enabled) return
                dismiss()
                action.run()
              }}>
              <span className="toolbar-more-icon" aria-hidden="true">{toolbarIcons[action.id]}</span>
              {action.label}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
