export { vvMode as mode } from "./mode"
export { versionVectors as lab } from "./lab"
