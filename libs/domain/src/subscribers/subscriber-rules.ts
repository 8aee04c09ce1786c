/**
 * Subscribers of a plan's monthly digest: who receives it, what a hard bounce does, how long a
 * confirmation link lives and when an unconfirmed subscriber is purged. Pure rules, no I/O.
 */
export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'bounced';
export const SUBSCRIBER_STATUSES: readonly SubscriberStatus[] = ['pending', 'confirmed', 'unsubscribed', 'bounced'];

/** `form`: the double opt-in; `import`: a coordinator imported someone who already consented. */
export type ConsentSource = 'form' | 'import';

/** Hard bounces (5xx) after which an address gets no more mail. */
export const BOUNCE_THRESHOLD = 3;

/** Defaults: a confirmation link lives 48 hours; an unconfirmed subscriber is purged after 7 days. */
export const SUBSCRIBER_CONFIRMATION_HOURS = 48;
export const UNCONFIRMED_SUBSCRIBER_RETENTION_DAYS = 7;
/** A pending subscriber who asks again within this time gets no second confirmation email. */
export const CONFIRMATION_RESEND_MIN_MINUTES = 10;

export interface SubscriberFacts {
  status: SubscriberStatus;
  commitmentIds: readonly string[];
  bounceCount: number;
}

/** Only confirmed subscribers get a digest (pending, unsubscribed and bounced addresses get nothing). */
export function isDigestRecipient(subscriber: Pick<SubscriberFacts, 'status'>): boolean {
  return subscriber.status === 'confirmed';
}

/**
 * Whether a digest covering `coveredCommitmentIds` concerns this subscriber: one who follows the whole
 * plan (no commitments chosen) always, one who chose commitments when the digest covers one of them.
 */
export function followsAnyOf(subscriber: Pick<SubscriberFacts, 'commitmentIds'>, coveredCommitmentIds: readonly string[]): boolean {
  if (subscriber.commitmentIds.length === 0) return true;
  return subscriber.commitmentIds.some((id) => coveredCommitmentIds.includes(id));
}

/** A hard bounce: the counter goes up; at the threshold the address is `bounced` (no more mail). */
export function afterHardBounce(subscriber: Pick<SubscriberFacts, 'status' | 'bounceCount'>, at: Date): { status: SubscriberStatus; bounceCount: number; lastBounceAt: Date } {
  const bounceCount = subscriber.bounceCount + 1;
  const status: SubscriberStatus = subscriber.status === 'confirmed' && bounceCount >= BOUNCE_THRESHOLD ? 'bounced' : subscriber.status;
  return { status, bounceCount, lastBounceAt: at };
}

export function confirmationExpiresAt(sentAt: Date, hours: number = SUBSCRIBER_CONFIRMATION_HOURS): Date {
  return new Date(sentAt.getTime() + hours * 3_600_000);
}

/** Unconfirmed subscribers created before this instant are purged. */
export function unconfirmedPurgeCutoff(now: Date, retentionDays: number = UNCONFIRMED_SUBSCRIBER_RETENTION_DAYS): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}

/** A confirmation link is followed: confirmed once, the same answer again; pending past its expiry refused. */
export type ConfirmOutcome = 'confirm' | 'already_confirmed' | 'expired' | 'not_pending';

export function confirmOutcome(subscriber: { status: SubscriberStatus; confirmExpiresAt: Date | null }, now: Date): ConfirmOutcome {
  if (subscriber.status === 'confirmed') return 'already_confirmed';
  if (subscriber.status !== 'pending') return 'not_pending';
  if (!subscriber.confirmExpiresAt || subscriber.confirmExpiresAt.getTime() <= now.getTime()) return 'expired';
  return 'confirm';
}

/**
 * What a subscription request does to an address already known for the plan (null: a new one).
 * The caller always gets the same answer; only the email differs.
 * - `create`: a new pending subscriber and a confirmation email;
 * - `confirm_again`: pending (link still young: nothing), unsubscribed or bounced → pending again, a new confirmation;
 * - `already_subscribed`: confirmed → an email with the preferences link, nothing changes.
 */
export type SubscribeDecision = 'create' | 'confirm_again' | 'already_subscribed' | 'nothing';

export function subscribeDecision(
  existing: { status: SubscriberStatus; confirmationSentAt: Date | null } | null,
  now: Date,
  resendMinMinutes: number = CONFIRMATION_RESEND_MIN_MINUTES,
): SubscribeDecision {
  if (!existing) return 'create';
  if (existing.status === 'confirmed') return 'already_subscribed';
  if (existing.status === 'pending' && existing.confirmationSentAt && now.getTime() - existing.confirmationSentAt.getTime() < resendMinMinutes * 60_000) return 'nothing';
  return 'confirm_again';
}

/** Outbox keys of subscriber emails (one per subscriber and confirmation; one notice per day). */
export function subscriptionConfirmationKey(subscriberId: string, confirmationNumber: number): string {
  return `subscription-confirmation:${subscriberId}:${confirmationNumber}`;
}

export function alreadySubscribedKey(subscriberId: string, now: Date): string {
  return `subscription-already:${subscriberId}:${now.toISOString().slice(0, 10)}`;
}

/** One email per change of preferences (the time of the change names it). */
export function preferencesChangedKey(subscriberId: string, changedAt: Date): string {
  return `subscription-preferences:${subscriberId}:${changedAt.getTime()}`;
}

export function unsubscribedKey(subscriberId: string, unsubscribedAt: Date): string {
  return `subscription-unsubscribed:${subscriberId}:${unsubscribedAt.getTime()}`;
}

/** The recipient written over an erased or purged subscriber's outbox messages. */
export const ERASED_ADDRESS = 'erased@invalid';

/** Addresses compare without case (the unique index is on `lower(email)`). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
