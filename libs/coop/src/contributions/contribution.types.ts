/** The contribution types the platform records (SPEC §7) and the reversal that cancels one. */
export const Contribution = {
  Published: 'PUBLISHED',
  Engaged: 'ENGAGED',
  Curated: 'CURATED',
  Moderated: 'MODERATED',
  Spent: 'SPENT',
  Reversal: 'REVERSAL',
} as const;

export type ContributionName = (typeof Contribution)[keyof typeof Contribution];

/** Event ids name their cause, so recording a cause twice stores one event. */
export const eventId = {
  published: (postId: string) => `published:${postId}`,
  engaged: (engagementId: string) => `engaged:${engagementId}`,
  curated: (boostId: string) => `curated:${boostId}`,
  moderated: (reportId: string) => `moderated:${reportId}`,
  spent: (paymentId: string) => `spent:${paymentId}`,
  reversal: (id: string) => `reversal:${id}`,
};

export const instanceActor = (host: string) => `instance:${host}`;
