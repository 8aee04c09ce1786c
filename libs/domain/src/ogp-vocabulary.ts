/** Completion levels as OGP's Independent Reporting Mechanism names them. "No evidence" is not 0%. */
export enum CompletionLevel {
  NoEvidenceAvailable = 'no_evidence_available',
  NotStarted = 'not_started',
  Limited = 'limited',
  Substantial = 'substantial',
  Complete = 'complete',
}

export enum OgpValue {
  AccessToInformation = 'access_to_information',
  CivicParticipation = 'civic_participation',
  PublicAccountability = 'public_accountability',
  TechnologyAndInnovation = 'technology_and_innovation',
}

export enum PlanStatus {
  Draft = 'draft',
  Active = 'active',
  Closed = 'closed',
}

/** Languages emails and public pages are written in. */
export const SUPPORTED_LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
