import type { AssessmentText } from '../assessment/definition.js';
import type { AuditEntry, HandoffCase, SharedSelfCheck, TranscriptEntry } from '../handoff/handoff-service.js';

/**
 * What the console shows of a case. Times are given as seconds already counted on the server, and
 * with the server's clock, so that a console on a wrong clock still shows true waits.
 */

export interface CaseSummary {
  conversationKey: string;
  channel: string;
  language: string;
  country?: string;
  urgent: boolean;
  status: HandoffCase['status'];
  owner?: string;
  ownerName?: string;
  /** The self-check level, when the person shared it. */
  level?: string;
  requestedAt: string;
  /** Waiting so far (queued), or how long they waited before someone took the chat. */
  waitSeconds: number;
  /** From the request to the first staff message, once there is one. */
  firstResponseSeconds?: number;
}

export interface SharedView {
  recentMessages: string[];
  selfCheck?: {
    level: string;
    levelText: string;
    risks: string[];
    protections: string[];
    triggers: string[];
  };
}

export interface CaseView {
  case: CaseSummary;
  shared: SharedView;
  notes: HandoffCase['notes'];
  referrals: HandoffCase['referrals'];
  transcript: Array<TranscriptEntry & { byName?: string }>;
}

const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

export function summarize(handoffCase: HandoffCase, now: Date, names: ReadonlyMap<string, string>): CaseSummary {
  const { conversationKey, channel, language, country, urgent, status, owner, requestedAt, claimedAt, firstResponseAt } = handoffCase;
  return {
    conversationKey,
    channel,
    language,
    country,
    urgent,
    status,
    owner,
    ownerName: owner ? (names.get(owner) ?? owner) : undefined,
    level: handoffCase.shared.selfCheck?.level,
    requestedAt,
    waitSeconds: seconds(requestedAt, claimedAt ?? now.toISOString()),
    firstResponseSeconds: firstResponseAt ? seconds(requestedAt, firstResponseAt) : undefined,
  };
}

export function caseView(
  handoffCase: HandoffCase,
  transcript: TranscriptEntry[],
  context: { now: Date; names: ReadonlyMap<string, string>; words: AssessmentText },
): CaseView {
  const { selfCheck, recentMessages } = handoffCase.shared;
  return {
    case: summarize(handoffCase, context.now, context.names),
    shared: { recentMessages: recentMessages ?? [], selfCheck: selfCheck && describeSelfCheck(selfCheck, context.words) },
    notes: handoffCase.notes,
    referrals: handoffCase.referrals,
    transcript: transcript.map((entry) => (entry.by ? { ...entry, byName: context.names.get(entry.by) ?? entry.by } : entry)),
  };
}

/** The shared result in the self-check's own words ("Someone else holds their passport"), for staff. */
function describeSelfCheck(shared: SharedSelfCheck, words: AssessmentText): NonNullable<SharedView['selfCheck']> {
  const factor = (id: string) => {
    const [question = '', option = ''] = id.split('=');
    const text = words.questions[question];
    return text?.factors?.[option] ?? (text ? `${text.text} — ${text.options[option] ?? option}` : id);
  };
  return {
    level: shared.level,
    levelText: words.levels[shared.level as keyof AssessmentText['levels']] ?? shared.level,
    risks: shared.risks.map(factor),
    protections: shared.protections.map(factor),
    triggers: shared.triggers.map((trigger) => trigger.replace(/_/g, ' ')),
  };
}

// ---- what each endpoint answers (the console page is typed against these) ----

export interface HoursView {
  open: boolean;
  text: string;
  timeZone: string;
  holidays: string[];
}

export interface MeView {
  username: string;
  name: string;
  roles: string[];
  can: { work: boolean; supervise: boolean; edit: boolean; stats: boolean };
  csrfToken: string;
  chatLimit: number;
  maxChats: number;
  hours: HoursView;
}

export interface QueueView {
  serverTime: string;
  hours: HoursView;
  cases: CaseSummary[];
  /** Who has the console open (supervisors only). */
  online?: Array<{ username: string; name: string }>;
}

export interface StaffListView {
  staff: Array<{ username: string; name: string; online: boolean }>;
}

export interface CannedView {
  language: string;
  canned: Array<{ id: string; text: string; translated: boolean }>;
  topics: Array<{ id: string; title: string }>;
}

export interface ServicesView {
  countries: Array<{ code: string; name: string; services: Array<{ kind: string; organisation: string; phone?: string; web?: string }> }>;
}

export interface AuditView {
  entries: AuditEntry[];
}

/** What a claim, a transfer or an ending answers; `told` is false when the person could not be reached. */
export interface ActionView {
  case?: CaseSummary;
  told: boolean;
}
