import type { HandoffCase } from '../handoff/handoff-service.js';

/**
 * The role model. Caseworkers and supervisors take chats, editors keep the content, admins run the
 * service. An editor must not see the queue nor a caseworker edit content, so access goes by
 * permission, never by "anyone signed in".
 */
export const ROLES = ['caseworker', 'supervisor', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const PERMISSIONS = {
  /** See the queue, claim, talk with the person, notes, referrals, transfer, hand back, close. */
  'cases.work': ['caseworker', 'supervisor', 'admin'],
  /** See and act on every case, see the times, reassign, read the audit log. */
  'cases.supervise': ['supervisor', 'admin'],
  /** Read and export the anonymous evidence dashboard. */
  'stats.read': ['supervisor', 'admin'],
  /** The editor area: the translation matrix, editing topics and services, exporting the edits. */
  'content.edit': ['editor', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => (PERMISSIONS[permission] as readonly Role[]).includes(role));
}

interface Actor {
  username: string;
  roles: readonly Role[];
}

/** Waiting chats are open to every caseworker (to decide whom to take); a taken one to its owner and supervisors. */
export function mayView(actor: Actor, handoffCase: HandoffCase): boolean {
  return handoffCase.status === 'queued' || handoffCase.owner === actor.username || can(actor.roles, 'cases.supervise');
}

/** Only the owner of a taken chat acts on it, or a supervisor on any chat. */
export function mayAct(actor: Actor, handoffCase: HandoffCase): boolean {
  return (handoffCase.status === 'active' && handoffCase.owner === actor.username) || can(actor.roles, 'cases.supervise');
}
