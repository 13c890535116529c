import { recordHandoff } from '../analytics/usage-totals.js';
import { EtagConflictError, type Store, type Unsubscribe } from '../store/store.js';

/**
 * Talking to a person: the queue, who owns each conversation, the transcript and the audit log.
 * Everything lives in the store, so every instance sees the same queue, and a claim is a
 * compare-and-set: two caseworkers claiming at once get one winner. No botbuilder types here; the
 * conversation reference a channel needs to reach the person is kept as an opaque object.
 */

export type HandoffStatus = 'queued' | 'active';
export type TranscriptAuthor = 'person' | 'staff' | 'system';

export interface SharedSelfCheck {
  level: string;
  /** Option ids ("ind.documents=kept_by_other"), shown in words by the console. */
  risks: string[];
  protections: string[];
  triggers: string[];
}

export interface HandoffCase {
  conversationKey: string;
  channel: string;
  language: string;
  country?: string;
  urgent: boolean;
  status: HandoffStatus;
  owner?: string;
  requestedAt: string;
  claimedAt?: string;
  firstResponseAt?: string;
  /** What the person chose to share. */
  shared: { selfCheck?: SharedSelfCheck; recentMessages?: string[] };
  notes: Array<{ by: string; at: string; text: string }>;
  referrals: Array<{ by: string; at: string; country: string; kind: string; organisation: string }>;
  /** Set when the hotline numbers were sent because nobody answered in time. */
  hotlinesSentAt?: string;
  /** Last queue position the person was told, to tell them again only when it changes. */
  lastPositionSent?: number;
  /** The channel's conversation reference, to reach the person from any instance. */
  reference: Record<string, unknown>;
}

export interface TranscriptEntry {
  author: TranscriptAuthor;
  /** Staff username for staff messages. */
  by?: string;
  text: string;
  at: string;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  conversationKey?: string;
  detail?: string;
}

/** What happened, for consoles and for the instance that must tell the person. */
export type HandoffEvent =
  | { type: 'queue' }
  | { type: 'case'; conversationKey: string }
  | { type: 'message'; conversationKey: string; entry: TranscriptEntry }
  | { type: 'typing'; conversationKey: string; author: TranscriptAuthor };

export interface HandoffRetention {
  queueSeconds: number;
  transcriptSeconds: number;
  auditSeconds: number;
}

export type ClaimResult = { ok: true; case: HandoffCase } | { ok: false; reason: 'taken' | 'gone' | 'limit' };

const KEYS = {
  case: (key: string) => `handoff:case:${key}`,
  casePrefix: 'handoff:case:',
  transcript: (key: string) => `handoff:transcript:${key}`,
  waits: 'handoff:waits',
  audit: 'audit:log',
  presence: (user: string) => `presence:${user}`,
  presencePrefix: 'presence:',
  events: 'handoff:events',
};

const PRESENCE_SECONDS = 60;
const CAS_ATTEMPTS = 10;

export class HandoffService {
  constructor(
    private readonly store: Store,
    private readonly retention: HandoffRetention,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- the person's side ----

  /** Joins the queue; returns the case (an existing one if the person is already waiting or talking). */
  async request(input: Omit<HandoffCase, 'status' | 'requestedAt' | 'notes' | 'referrals'>): Promise<HandoffCase> {
    const existing = await this.get(input.conversationKey);
    if (existing) return existing;
    const created: HandoffCase = { ...input, status: 'queued', requestedAt: this.stamp(), notes: [], referrals: [] };
    try {
      await this.store.set(KEYS.case(input.conversationKey), created, { ttlSeconds: this.retention.queueSeconds, ifEtag: null });
    } catch (error) {
      if (error instanceof EtagConflictError) return (await this.get(input.conversationKey)) ?? created;
      throw error;
    }
    await this.audit('person', 'requested', input.conversationKey, input.urgent ? 'urgent' : undefined);
    await recordHandoff(this.store, created, this.now());
    await this.emit({ type: 'queue' });
    return created;
  }

  async get(conversationKey: string): Promise<HandoffCase | undefined> {
    return (await this.store.get<HandoffCase>(KEYS.case(conversationKey)))?.value;
  }

  /** Ends a case: the person cancelled or stopped, or staff handed back or closed it. */
  async end(conversationKey: string, actor: string, action: 'cancelled' | 'stopped' | 'handed_back' | 'closed' | 'forgotten'): Promise<HandoffCase | undefined> {
    const existing = await this.get(conversationKey);
    if (!existing) return undefined;
    await this.store.delete([KEYS.case(conversationKey)]);
    await this.audit(actor, action, conversationKey);
    await this.emit({ type: 'case', conversationKey });
    await this.emit({ type: 'queue' });
    return existing;
  }

  /** Removes everything kept about a conversation's handoffs (the forget command). */
  async forget(conversationKey: string): Promise<void> {
    await this.end(conversationKey, 'person', 'forgotten');
    await this.store.delete([KEYS.transcript(conversationKey)]);
  }

  // ---- queue ----

  /** Every open case, ordered by urgency, then by how long the person has waited. */
  async cases(): Promise<HandoffCase[]> {
    const keys = await this.store.keys(KEYS.casePrefix);
    const found = (await this.store.getMany<HandoffCase>(keys)).flatMap((v) => (v ? [v.value] : []));
    return found.sort(byUrgencyThenWait);
  }

  async queue(): Promise<HandoffCase[]> {
    return (await this.cases()).filter((c) => c.status === 'queued');
  }

  /** 1-based place in the queue, or undefined when not queued. */
  async position(conversationKey: string): Promise<number | undefined> {
    const index = (await this.queue()).findIndex((c) => c.conversationKey === conversationKey);
    return index < 0 ? undefined : index + 1;
  }

  /**
   * An honest estimate of the wait in minutes: the average of the recent waits, times the place in
   * the queue, shared among the caseworkers online. Undefined when there is nothing to go on.
   */
  async estimateMinutes(position: number): Promise<number | undefined> {
    const waits = (await this.store.readLog<number>(KEYS.waits, 0)).slice(-20).map((e) => e.value);
    if (waits.length === 0) return undefined;
    const online = Math.max(1, (await this.onlineStaff()).length);
    const average = waits.reduce((a, b) => a + b, 0) / waits.length;
    return Math.max(1, Math.round((average * position) / online / 60));
  }

  // ---- staff actions ----

  /** One owner per conversation: the first claim wins, the second is told it was taken. */
  async claim(conversationKey: string, staff: string, maxChats: number): Promise<ClaimResult> {
    const owned = (await this.cases()).filter((c) => c.status === 'active' && c.owner === staff).length;
    if (owned >= maxChats) return { ok: false, reason: 'limit' };
    const result = await this.update(conversationKey, (c) => {
      if (c.status !== 'queued') return 'taken';
      return { ...c, status: 'active', owner: staff, claimedAt: this.stamp() };
    });
    if (!result.ok) return result;
    const waited = (this.now().getTime() - Date.parse(result.case.requestedAt)) / 1000;
    await this.store.append(KEYS.waits, Math.round(waited), { ttlSeconds: this.retention.auditSeconds, maxLength: 200 });
    await this.audit(staff, 'claimed', conversationKey);
    await this.emit({ type: 'queue' });
    await this.emit({ type: 'case', conversationKey });
    return result;
  }

  /** To a colleague, or back to the queue (to = undefined), with a note for whoever takes it. */
  async transfer(conversationKey: string, staff: string, to: string | undefined, note: string): Promise<ClaimResult> {
    const result = await this.update(conversationKey, (c) => ({
      ...c,
      status: to ? 'active' : 'queued',
      owner: to,
      claimedAt: to ? this.stamp() : undefined,
      notes: note ? [...c.notes, { by: staff, at: this.stamp(), text: note }] : c.notes,
    }));
    if (!result.ok) return result;
    await this.audit(staff, to ? 'transferred' : 'returned_to_queue', conversationKey, to);
    await this.emit({ type: 'queue' });
    await this.emit({ type: 'case', conversationKey });
    return result;
  }

  async addNote(conversationKey: string, staff: string, text: string): Promise<ClaimResult> {
    const result = await this.update(conversationKey, (c) => ({ ...c, notes: [...c.notes, { by: staff, at: this.stamp(), text }] }));
    if (result.ok) {
      await this.audit(staff, 'noted', conversationKey);
      await this.emit({ type: 'case', conversationKey });
    }
    return result;
  }

  async addReferral(conversationKey: string, staff: string, referral: { country: string; kind: string; organisation: string }): Promise<ClaimResult> {
    const result = await this.update(conversationKey, (c) => ({ ...c, referrals: [...c.referrals, { by: staff, at: this.stamp(), ...referral }] }));
    if (result.ok) {
      await this.audit(staff, 'referred', conversationKey, `${referral.country}/${referral.kind}`);
      await this.emit({ type: 'case', conversationKey });
    }
    return result;
  }

  /**
   * Words of danger from someone waiting or talking: urgent from now on (first in the queue, and
   * marked for the caseworker). False when it already was, or the case is gone.
   */
  async markUrgent(conversationKey: string): Promise<boolean> {
    const result = await this.update(conversationKey, (c) => (c.urgent ? 'taken' : { ...c, urgent: true }));
    if (!result.ok) return false;
    await this.audit('person', 'escalated', conversationKey, 'urgent');
    await this.emit({ type: 'case', conversationKey });
    await this.emit({ type: 'queue' });
    return true;
  }

  /** Marks what the sweeper told the person, so that only one instance tells them, once. */
  async mark(conversationKey: string, change: Pick<HandoffCase, 'hotlinesSentAt' | 'lastPositionSent'>, expect: (c: HandoffCase) => boolean): Promise<boolean> {
    const result = await this.update(conversationKey, (c) => (expect(c) ? { ...c, ...change } : 'taken'));
    return result.ok;
  }

  // ---- transcript ----

  async appendMessage(conversationKey: string, entry: Omit<TranscriptEntry, 'at'>): Promise<TranscriptEntry> {
    const stamped = { ...entry, at: this.stamp() };
    await this.store.append(KEYS.transcript(conversationKey), stamped, { ttlSeconds: this.retention.transcriptSeconds, maxLength: 2000 });
    if (entry.author === 'staff') {
      const first = await this.update(conversationKey, (c) => (c.firstResponseAt ? 'taken' : { ...c, firstResponseAt: stamped.at }));
      if (first.ok) await recordHandoff(this.store, first.case, this.now());
    }
    await this.emit({ type: 'message', conversationKey, entry: stamped });
    return stamped;
  }

  async transcript(conversationKey: string): Promise<TranscriptEntry[]> {
    return (await this.store.readLog<TranscriptEntry>(KEYS.transcript(conversationKey), 0, 2000)).map((e) => e.value);
  }

  async typing(conversationKey: string, author: TranscriptAuthor): Promise<void> {
    await this.emit({ type: 'typing', conversationKey, author });
  }

  // ---- presence ----

  /** A caseworker's console says it is open; presence lapses after a minute without it. */
  async heartbeat(staff: string): Promise<void> {
    await this.store.set(KEYS.presence(staff), { at: this.stamp() }, { ttlSeconds: PRESENCE_SECONDS });
  }

  async offline(staff: string): Promise<void> {
    await this.store.delete([KEYS.presence(staff)]);
  }

  async onlineStaff(): Promise<string[]> {
    return (await this.store.keys(KEYS.presencePrefix)).map((k) => k.slice(KEYS.presencePrefix.length));
  }

  // ---- audit and events ----

  async audit(actor: string, action: string, conversationKey?: string, detail?: string): Promise<void> {
    const entry: AuditEntry = { at: this.stamp(), actor, action, conversationKey, detail };
    await this.store.append(KEYS.audit, entry, { ttlSeconds: this.retention.auditSeconds, maxLength: 100_000 });
  }

  async auditLog(limit = 500): Promise<AuditEntry[]> {
    const all = await this.store.readLog<AuditEntry>(KEYS.audit, 0, 100_000);
    return all.slice(-limit).map((e) => e.value).reverse();
  }

  async subscribe(onEvent: (event: HandoffEvent) => void): Promise<Unsubscribe> {
    return this.store.subscribe(KEYS.events, (raw) => onEvent(JSON.parse(raw) as HandoffEvent));
  }

  private emit(event: HandoffEvent): Promise<void> {
    return this.store.publish(KEYS.events, JSON.stringify(event));
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** Compare-and-set on a case, retried when another instance changed it in between. */
  private async update(conversationKey: string, change: (c: HandoffCase) => HandoffCase | 'taken'): Promise<ClaimResult> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current = await this.store.get<HandoffCase>(KEYS.case(conversationKey));
      if (!current) return { ok: false, reason: 'gone' };
      const next = change(current.value);
      if (next === 'taken') return { ok: false, reason: 'taken' };
      const ttl = next.status === 'active' ? this.retention.transcriptSeconds : this.retention.queueSeconds;
      try {
        await this.store.set(KEYS.case(conversationKey), next, { ttlSeconds: ttl, ifEtag: current.etag });
        return { ok: true, case: next };
      } catch (error) {
        if (!(error instanceof EtagConflictError)) throw error;
      }
    }
    return { ok: false, reason: 'taken' };
  }
}

export function byUrgencyThenWait(a: HandoffCase, b: HandoffCase): number {
  if (a.urgent !== b.urgent) return a.urgent ? -1 : 1;
  return a.requestedAt.localeCompare(b.requestedAt);
}
