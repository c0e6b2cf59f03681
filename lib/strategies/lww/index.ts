export { lwwMode as mode } from "./mode"
export { lww as lab } from "./lab"
