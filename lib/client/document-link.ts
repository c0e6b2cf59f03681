/** A link token as it may appear in a link's fragment: base64url, as long as the hub accepts. */
const tokenPattern = /^[A-Za-z0-9_-]{1,128}$/

/**
 * The address of document `docId` opened with `token`, on `origin` (none: a path). The token sits in
 * the fragment, which browsers never send to the server nor put in a Referer header.
 */
export function documentLink(docId: string, token: string, origin = ""): string {
  return `${origin}/d/${docId}#${token}`
}

/** The token in a link's fragment (`location.hash`, with or without its "#"), or null when it holds none. */
export function tokenFromFragment(hash: string): string | null {
  const token = hash.startsWith("#") ? hash.slice(1) : hash
  return tokenPattern.test(token) ? token : null
}
