export { lwwDocMode as mode } from "./mode"
export { lwwDoc as lab } from "./lab"
