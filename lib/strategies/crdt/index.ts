export { crdtMode as mode } from "./mode"
export { crdt as lab } from "./lab"
