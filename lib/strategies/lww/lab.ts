import type { Node } from "prosemirror-model"
import { schema } from "../../schema/schema"
import { nextKey, orderBlocks, startPlacements, type Placement } from "../block-order"
import { blockText } from "../edit"
import { RegisterMerge, startRegister, writeRegister, type Register, type RegisterSite } from "../lww-register"
import { runModel, type LocalWrite, type ModelContext, type ReplicaModel } from "../replay"
import type { Strategy } from "../strategy"
import { strategyName } from "../../protocol/strategies"

/** A block's value in its register: the block node, or null once deleted (a tombstone). */
type BlockValue = Node | null

interface Replica {
  placements: Map<string, Placement>
  registers: Map<string, Register<BlockValue>>
}

const site = (block: string): RegisterSite<BlockValue> => ({ block, text: value => (value ? blockText(value) : "") })

/**
 * Last writer wins per block, as Cassandra keeps a cell per column: each block id is a register, an
 * edit writes the block's whole new value stamped with the leader's clock, and when replicas meet
 * the highest (stamp, writer) wins while the other value is dropped. A new block is a new register,
 * placed after its predecessor's id; a deletion is a tombstone write with a stamp. A write older
 * than the value a replica already holds is dropped on arrival, even on the writer's own copy.
 */
class BlockLwwModel implements ReplicaModel {
  private readonly replicas = new Map<string, Replica>()
  private readonly merge: RegisterMerge

  constructor(private readonly context: ModelContext) {
    this.merge = new RegisterMerge(context)
    const placements = startPlacements(context.start)
    const registers = new Map<string, Register<BlockValue>>()
    context.start.forEach(block => registers.set(block.attrs.id as string, startRegister<BlockValue>(block)))
    for (const leader of context.leaders)
      this.replicas.set(leader, { placements: new Map(placements.map(p => [p.id, p])), registers: new Map(registers) })
  }

  doc(leader: string): Node {
    const replica = this.replicas.get(leader)!
    const blocks: Node[] = []
    for (const id of orderBlocks(replica.placements.values())) {
      const value = replica.registers.get(id)!.value
      if (value) blocks.push(value)
    }
    return schema.nodes.doc.create(null, blocks.length ? blocks : schema.nodes.paragraph.create())
  }

  write(write: LocalWrite): void {
    const replica = this.replicas.get(write.leader)!
    const { edit } = write
    if (edit.type == "insertBlock") {
      replica.placements.set(edit.block, { id: edit.block, after: edit.after, key: nextKey(replica.placements.values()), writer: write.leader })
      replica.registers.set(edit.block, writeRegister(startRegister(null), write.after.child(edit.index), write))
      return
    }
    const current = replica.registers.get(edit.block)!
    const value = edit.type == "deleteBlock" ? null : write.after.child(edit.index)
    replica.registers.set(edit.block, this.merge.write(current, writeRegister(current, value, write), site(edit.block)))
  }

  sync(): void {
    const replicas = [...this.replicas.values()]
    const placements = new Map<string, Placement>()
    for (const r of replicas) for (const [id, p] of r.placements) placements.set(id, p)
    const registers = new Map<string, Register<BlockValue>>()
    for (const id of orderBlocks(placements.values())) {
      const candidates = replicas.map(r => r.registers.get(id)).filter(r => r != null)
      registers.set(id, this.merge.settle(candidates, site(id)))
    }
    for (const r of replicas) {
      r.placements = new Map(placements)
      r.registers = new Map(registers)
    }
  }
}

/** Last writer wins, one register per block. */
export const lww: Strategy = {
  name: strategyName.enum.lww,
  label: "Last writer wins, per block",
  description: "Each block is a register: the write with the latest clock stamp wins and the other is discarded, whatever it held. Clocks that disagree decide who that is.",
  run: scenario => runModel(strategyName.enum.lww, scenario, context => new BlockLwwModel(context)).outcome
}
