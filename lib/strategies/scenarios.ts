import type { Scenario } from "./scenario"

const delhiAndMumbai = [{ name: "Delhi", clockSkewMs: 0 }, { name: "Mumbai", clockSkewMs: 0 }]

/** Delhi and Mumbai correct the same headline differently while cut off from each other. */
export const sharedHeadline: Scenario = {
  name: "Shared headline",
  description: "The network splits. Delhi makes the headline's \"5 PM\" \"5:30 PM\"; two seconds later Mumbai makes it \"6 PM\". Then the network heals.",
  start: ["Breaking: PM speaks at 5 PM", "Reporters are gathering at the press club."],
  leaders: delhiAndMumbai,
  events: [
    { at: 0, partition: true },
    { at: 1000, leader: "Delhi", edit: { type: "replaceText", block: 0, from: 24, to: 24, text: ":30" } },
    { at: 3000, leader: "Mumbai", edit: { type: "replaceText", block: 0, from: 23, to: 24, text: "6" } },
    { at: 5000, heal: true }
  ]
}

/** Two editors each add their own line at the same place in a shared list. */
export const sharedList: Scenario = {
  name: "Shared list",
  description: "While the network is split, Delhi and Mumbai each add a line to the end of the lunch list. Then the network heals.",
  start: ["Team lunch: who brings what", "- rice (Asha)", "- dal (Ravi)"],
  leaders: delhiAndMumbai,
  events: [
    { at: 0, partition: true },
    { at: 2000, leader: "Delhi", edit: { type: "insertBlock", after: 2, text: "- mangoes (Delhi)" } },
    { at: 4000, leader: "Mumbai", edit: { type: "insertBlock", after: 2, text: "- chai (Mumbai)" } },
    { at: 6000, heal: true }
  ]
}

/** Concurrent edits that touch different paragraphs. */
export const differentParagraphs: Scenario = {
  name: "Different paragraphs",
  description: "While the network is split, Delhi edits the first paragraph twice and Mumbai the last one. No paragraph is edited by both.",
  start: ["Monsoon session opens on Monday.", "The opposition plans a walkout over the bill.", "Markets closed higher on Friday."],
  leaders: delhiAndMumbai,
  events: [
    { at: 0, partition: true },
    { at: 1000, leader: "Delhi", edit: { type: "replaceText", block: "b1", from: 25, to: 31, text: "Tuesday" } },
    { at: 2000, leader: "Delhi", edit: { type: "replaceText", block: "b1", from: 33, to: 33, text: " Both houses meet at 11 AM." } },
    { at: 3000, leader: "Mumbai", edit: { type: "replaceText", block: "b3", from: 21, to: 21, text: " sharply" } },
    { at: 6000, heal: true }
  ]
}

/** Three newsrooms work offline for most of an hour on the same story. */
export const longOffline: Scenario = {
  name: "Long offline divergence",
  description: "Chennai adds a note, then the network is down for 54 minutes while Delhi, Mumbai and Chennai keep editing the flood story: some paragraphs by one of them, some by two. Delhi's clock runs 90 s ahead and Chennai's 45 s behind. After the heal Delhi adds an update line.",
  start: [
    "Flood relief: what we know",
    "Heavy rain has flooded parts of the city since Tuesday.",
    "Schools will stay closed until further notice.",
    "The state has set up 40 relief camps.",
    "Volunteers can register at the municipal office.",
    "Helpline numbers are listed below."
  ],
  leaders: [{ name: "Delhi", clockSkewMs: 90_000 }, { name: "Mumbai", clockSkewMs: 0 }, { name: "Chennai", clockSkewMs: -45_000 }],
  events: [
    { at: 0, leader: "Chennai", edit: { type: "replaceText", block: "b6", from: 34, to: 34, text: " Updated hourly." } },
    { at: 60_000, partition: true },
    { at: 120_000, leader: "Delhi", edit: { type: "replaceText", block: "b1", from: 26, to: 26, text: " so far" } },
    { at: 180_000, leader: "Mumbai", edit: { type: "replaceText", block: "b1", from: 0, to: 0, text: "Live: " } },
    { at: 300_000, leader: "Delhi", edit: { type: "replaceText", block: "b2", from: 54, to: 54, text: " night" } },
    { at: 420_000, leader: "Mumbai", edit: { type: "replaceText", block: "b3", from: 46, to: 46, text: " Exams are postponed." } },
    { at: 600_000, leader: "Delhi", edit: { type: "replaceText", block: "b4", from: 21, to: 23, text: "52" } },
    { at: 700_000, leader: "Mumbai", edit: { type: "replaceText", block: "b4", from: 37, to: 37, text: " Each serves hot meals." } },
    { at: 900_000, leader: "Delhi", edit: { type: "insertBlock", after: "b4", id: "army", text: "The army has deployed boats in three districts." } },
    { at: 1_200_000, leader: "Mumbai", edit: { type: "insertBlock", after: "b6", id: "trains", text: "Trains to Pune are cancelled." } },
    { at: 1_500_000, leader: "Delhi", edit: { type: "deleteBlock", block: "b5" } },
    { at: 1_800_000, leader: "Chennai", edit: { type: "replaceText", block: "b6", from: 28, to: 33, text: "on the city website" } },
    { at: 2_000_000, leader: "Mumbai", edit: { type: "replaceText", block: "b3", from: 31, to: 45, text: "Monday" } },
    { at: 2_400_000, leader: "Delhi", edit: { type: "replaceText", block: "b2", from: 61, to: 61, text: " Rainfall was 210 mm." } },
    { at: 3_000_000, leader: "Mumbai", edit: { type: "replaceText", block: "b6", from: 50, to: 50, text: " Call 1070." } },
    { at: 3_300_000, heal: true },
    { at: 3_400_000, leader: "Delhi", edit: { type: "insertBlock", after: null, id: "update", text: "Updated 17:56." } }
  ]
}

/**
 * The write that happened first wins because its clock is ahead: Mumbai's clock runs five minutes
 * fast, so its earlier write carries a later stamp than Delhi's correction made after seeing it.
 */
export const clockSkew: Scenario = {
  name: "Clock skew",
  description: "The network is up. Mumbai, whose clock runs five minutes ahead, changes \"5 PM\" to \"6 PM\"; Delhi sees it and, almost two minutes later, makes it \"6:30 PM\".",
  start: ["Breaking: PM speaks at 5 PM"],
  leaders: [{ name: "Delhi", clockSkewMs: 0 }, { name: "Mumbai", clockSkewMs: 300_000 }],
  events: [
    { at: 10_000, leader: "Mumbai", edit: { type: "replaceText", block: 0, from: 23, to: 24, text: "6" } },
    { at: 110_000, leader: "Delhi", edit: { type: "replaceText", block: 0, from: 24, to: 24, text: ":30" } }
  ]
}

/** One leader deletes a paragraph that the other is editing. */
export const editVersusDelete: Scenario = {
  name: "Edit versus delete",
  description: "While the network is split, Delhi deletes the agenda's hiring item and Mumbai adds a note to it.",
  start: ["Agenda", "Item 1: budget", "Item 2: hiring", "Item 3: office move"],
  leaders: delhiAndMumbai,
  events: [
    { at: 0, partition: true },
    { at: 1000, leader: "Delhi", edit: { type: "deleteBlock", block: "b3" } },
    { at: 2000, leader: "Mumbai", edit: { type: "replaceText", block: "b3", from: 14, to: 14, text: " (postponed to May)" } },
    { at: 4000, heal: true }
  ]
}

/** The built-in scenarios, for the lab to offer and the tests to replay. */
export const builtInScenarios: readonly Scenario[] = [sharedHeadline, sharedList, differentParagraphs, longOffline, clockSkew, editVersusDelete]
