import type { Node } from "prosemirror-model"
import { docText } from "../edit"
import { RegisterMerge, startRegister, writeRegister, type Register, type RegisterSite } from "../lww-register"
import { runModel, type LocalWrite, type ModelContext, type ReplicaModel } from "../replay"
import type { Strategy } from "../strategy"
import { strategyName } from "../../protocol/strategies"

const site: RegisterSite<Node> = { text: docText }

/**
 * Last writer wins on the whole document, as a DynamoDB item or a file synced by modification time:
 * every edit writes the whole document stamped with the leader's clock, and when replicas meet the
 * document with the highest (stamp, writer) wins; everything the other side wrote since they parted is dropped.
 */
class DocumentLwwModel implements ReplicaModel {
  private readonly replicas = new Map<string, Register<Node>>()
  private readonly merge: RegisterMerge

  constructor(context: ModelContext) {
    this.merge = new RegisterMerge(context)
    for (const leader of context.leaders) this.replicas.set(leader, startRegister(context.start))
  }

  doc(leader: string): Node {
    return this.replicas.get(leader)!.value
  }

  write(write: LocalWrite): void {
    const current = this.replicas.get(write.leader)!
    this.replicas.set(write.leader, this.merge.write(current, writeRegister(current, write.after, write), site))
  }

  sync(): void {
    const winner = this.merge.settle([...this.replicas.values()], site)
    for (const leader of this.replicas.keys()) this.replicas.set(leader, winner)
  }
}

/** Last writer wins, one register for the whole document. */
export const lwwDoc: Strategy = {
  name: strategyName.enum["lww-doc"],
  label: "Last writer wins, whole document",
  description: "The whole document is one register, like a DynamoDB item: the copy with the latest clock stamp wins and everything the other side wrote is discarded.",
  run: scenario => runModel(strategyName.enum["lww-doc"], scenario, context => new DocumentLwwModel(context)).outcome
}
