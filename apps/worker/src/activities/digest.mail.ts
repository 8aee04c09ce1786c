/**
 * The markers a digest issue carries where each recipient's own links go; the outbox fills them per
 * message (fillTemplate), and the public archive with the plan's public page.
 */
export const DIGEST_LINK_MARKERS = { preferencesUrl: '%%preferencesUrl%%', unsubscribeUrl: '%%unsubscribeUrl%%' } as const;
