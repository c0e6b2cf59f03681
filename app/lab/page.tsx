import type { Metadata } from "next"
import { ConflictLab } from "@/app/_components/lab-conflict-lab"
import "./lab.css"

/** The tab's title and description. */
export const metadata: Metadata = {
  title: "Conflict lab",
  description: "Split the network, edit on both sides, heal it, and compare what OT, a CRDT, version vectors and last-writer-wins keep."
}

/** The conflict lab: leaders editing on a simulated network, every strategy replaying the same edits. */
export default function LabPage() {
  return <ConflictLab />
}
