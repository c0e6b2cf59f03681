// The message types of y-websocket's protocol, which the relay and its clients speak: the first
// varint of every binary message; sync messages carry y-protocols/sync, awareness ones y-protocols/awareness.

/** A y-protocols/sync message (sync step 1, sync step 2 or update). */
export const messageSync = 0
/** A y-protocols/awareness update. */
export const messageAwareness = 1
