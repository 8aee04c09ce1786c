/**
 * The PublicReadCache keys of the open-data reads, in one place: the services read and fill the
 * cache under them, and the fast path (public-fast-path.ts) looks a request's answer up under the
 * same key, so the two cannot drift apart. A key names what is read and everything it depends on.
 */
export const PUBLIC_READ_KEYS = {
  /** GET /public/plans/:planId (also what the pages read the plan through). */
  plan: (planId: string) => `plan:${planId}`,
  planCsv: (planId: string) => `plan.csv:${planId}`,
  decidimCsv: (planId: string) => `decidim-results.csv:${planId}`,
  /** `lang` as the route normalised it ('' for the jurisdiction's default). */
  feed: (planId: string, lang: string) => `feed.atom:${planId}:${lang}`,
  checkIns: (planId: string) => `check-ins:${planId}`,
  checkInsIcs: (planId: string) => `check-ins.ics:${planId}`,
  digests: (planId: string) => `digests:${planId}`,
  /** `lang` as the route normalised it ('' when not asked). */
  digest: (planId: string, month: string, lang: string) => `digest:${planId}:${month}:${lang}`,
} as const;

/** Keys whose answer depends only on the plan (the fast path serves these straight from the path). */
export type PlanReadKind = 'plan' | 'planCsv' | 'decidimCsv' | 'checkIns' | 'checkInsIcs' | 'digests';
