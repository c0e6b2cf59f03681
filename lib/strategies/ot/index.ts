export { otMode as mode } from "./mode"
export { ot as lab } from "./lab"
