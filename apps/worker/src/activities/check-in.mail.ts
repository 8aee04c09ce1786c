import type { InvitationRecipient, Language } from '@app/domain';
import { addToCalendarLinks, CheckInEvent, RenderedEmail, renderActionItemReminderEmail, renderCheckInCloseReminderEmail, renderCheckInEmail } from '@app/mail';
import type { ActionItemEntity, ActionPlanEntity, CheckInEntity, JurisdictionEntity } from '@app/persistence';
import type { CheckInEmailKind } from '@app/workflows';

/** The plan's public iCalendar feed of its check-ins (served by the API's public routes). */
export function checkInFeedUrl(publicBaseUrl: string, planId: string): string {
  return `${publicBaseUrl}/public/plans/${planId}/check-ins.ics`;
}

/** The calendar event's title: the same for every recipient (the email's subject is in their language). */
export function checkInEventSummary(plan: ActionPlanEntity, jurisdiction: JurisdictionEntity): string {
  return `Dialogue Board · ${plan.title} (${jurisdiction.name})`;
}

/** The rows as libs/mail's check-in templates read them: one email per recipient, in their language, with the event's text. */
export function renderCheckInMail(input: {
  kind: CheckInEmailKind;
  recipient: InvitationRecipient;
  checkIn: CheckInEntity;
  plan: ActionPlanEntity;
  jurisdiction: JurisdictionEntity;
  event: CheckInEvent;
  commitmentTitles: Record<string, string>;
  publicBaseUrl: string;
}): RenderedEmail & { eventDescription: string } {
  const { checkIn, plan, jurisdiction, recipient } = input;
  const email = renderCheckInEmail(recipient.language, {
    kind: input.kind,
    recipientName: recipient.name,
    planTitle: plan.title,
    jurisdictionName: jurisdiction.name,
    startsAt: checkIn.startsAt,
    durationMinutes: checkIn.durationMinutes,
    timeZone: jurisdiction.timeZone,
    mode: checkIn.mode,
    address: checkIn.address,
    onlineUrl: checkIn.onlineUrl,
    agenda: checkIn.agenda,
    commitmentTitles: input.commitmentTitles,
    addToCalendar: addToCalendarLinks(input.event),
    feedUrl: checkInFeedUrl(input.publicBaseUrl, plan.id),
    cancelledReason: checkIn.cancelledReason ?? undefined,
    senderName: jurisdiction.name,
  });
  // The event's DESCRIPTION: the email's text (agenda, place, the online link: calendar clients ignore URL).
  return { ...email, eventDescription: email.text };
}

export function renderCloseReminder(language: Language, input: { checkIn: CheckInEntity; plan: ActionPlanEntity; jurisdiction: JurisdictionEntity; checkInUrl: string }): RenderedEmail {
  return renderCheckInCloseReminderEmail(language, { planTitle: input.plan.title, startsAt: input.checkIn.startsAt, timeZone: input.jurisdiction.timeZone, checkInUrl: input.checkInUrl, senderName: input.jurisdiction.name });
}

export function renderActionItemReminder(language: Language, input: { item: ActionItemEntity; plan: ActionPlanEntity; jurisdiction: JurisdictionEntity }): RenderedEmail {
  return renderActionItemReminderEmail(language, { ownerName: input.item.ownerName, title: input.item.title, dueAt: input.item.dueAt, timeZone: input.jurisdiction.timeZone, planTitle: input.plan.title, senderName: input.jurisdiction.name });
}
