import type { ExportedFile } from "@/lib/formats/exported-file"

/** Hand `file` to the browser as a download under its name. */
export function downloadFile(file: ExportedFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.type }))
  const link = document.createElement("a")
  link.href = url
  link.download = file.name
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  // The browser may read the URL after the click returns: free it once the download surely has it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
