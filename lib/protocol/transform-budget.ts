import { limits } from "./limits"

/**
 * Why the hub would refuse to transform a batch of `steps` steps whose base is `behind` ops behind the
 * document, past ops holding `concurrentSteps` steps (limits.maxSubmitBehind, maxConcurrentSteps,
 * maxTransformWork), or null when it would transform it. A client that knows it would be refused
 * rebases the batch itself and sends it on its newer version, saving the round trip.
 */
export function overTransformBudget(behind: number, concurrentSteps: number, steps: number): string | null {
  if (behind > limits.maxSubmitBehind) return `${behind} ops`
  if (concurrentSteps > limits.maxConcurrentSteps || concurrentSteps * steps > limits.maxTransformWork) return `${concurrentSteps} steps`
  return null
}
