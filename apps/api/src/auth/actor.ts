/** Who may do what. Admin is the deployment's operator; the others belong to one jurisdiction. */
export enum Role {
  Admin = 'admin',
  Coordinator = 'coordinator',
  Agency = 'agency',
  Imb = 'imb',
  Public = 'public',
}

/** The authenticated caller of a request, resolved from its bearer token (or none: public). */
export interface Actor {
  role: Role;
  /** Shown in audit events and replanning history: the token's label. */
  label: string;
  tokenId: string | null;
  /** Null for admin (every jurisdiction) and public. */
  jurisdictionId: string | null;
  /** Set for the agency role only. */
  agencyId: string | null;
}

export const PUBLIC_ACTOR: Actor = Object.freeze({ role: Role.Public, label: 'public', tokenId: null, jurisdictionId: null, agencyId: null });
export const ADMIN_ACTOR: Actor = Object.freeze({ role: Role.Admin, label: 'admin', tokenId: null, jurisdictionId: null, agencyId: null });
