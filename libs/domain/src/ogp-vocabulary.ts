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

/** Languages emails and public pages are written in: Spanish, English, and OGP's other working languages French and Portuguese. */
export const SUPPORTED_LANGUAGES = ['es', 'en', 'fr', 'pt'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

/** Where a commitment stands. Only active commitments count towards OGP Local's limit of five. */
export enum CommitmentStatus {
  Active = 'active',
  Completed = 'completed',
  Cancelled = 'cancelled',
}

/** OGP's "potential for results" rating of a commitment as designed. */
export enum PotentialForResults {
  Unclear = 'unclear',
  Modest = 'modest',
  Substantial = 'substantial',
}

/** OGP's "did it open government?" rating of a commitment's early results. */
export enum DidItOpenGovernment {
  Worsened = 'worsened',
  DidNotChange = 'did_not_change',
  Marginal = 'marginal',
  Major = 'major',
  Outstanding = 'outstanding',
}

/** The policy areas of OGP's Open Gov Challenge a commitment can be filed under. */
export enum OpenGovChallengeArea {
  AccessToInformation = 'access_to_information',
  AntiCorruption = 'anti_corruption',
  CivicSpace = 'civic_space',
  ClimateAndEnvironment = 'climate_and_environment',
  DigitalGovernance = 'digital_governance',
  FiscalOpenness = 'fiscal_openness',
  GenderAndInclusion = 'gender_and_inclusion',
  Justice = 'justice',
  MediaFreedom = 'media_freedom',
  PublicParticipation = 'public_participation',
}

/** Number of UN Sustainable Development Goals: SDG tags are the integers 1..SDG_GOALS. */
export const SDG_GOALS = 17;

/** Who wrote an assessment: the government's self-report and the IMB's view are kept apart. */
export enum AssessmentAssessor {
  Government = 'government',
  Imb = 'imb',
}
