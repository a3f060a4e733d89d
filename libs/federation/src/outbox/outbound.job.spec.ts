import { outboundJobId, type OutboundEventPayload } from './outbound.job';

const base = { at: 1_700_000_000_000, origin: 'https://guild.example' };

describe('outboundJobId', () => {
  it('derives one id per event and subject, without the colons BullMQ refuses', () => {
    const jobs: [OutboundEventPayload, string][] = [
      [
        {
          ...base,
          event: 'post.published',
          payload: {
            postId: 'p1',
            authorId: 'a1',
            visibility: 'public',
            inReplyToId: null,
            inReplyToAuthorId: null,
            mentionedAccountIds: [],
            isArticle: false,
            local: true,
          },
        },
        'post.published.p1',
      ],
      [
        { ...base, event: 'post.updated', payload: { postId: 'p1', authorId: 'a1', newlyMentionedAccountIds: [] } },
        'post.updated.p1.1700000000000',
      ],
      [
        {
          ...base,
          event: 'post.liked',
          payload: { engagementId: 'l1', postId: 'p1', postAuthorId: 'a1', accountId: 'a2' },
        },
        'post.liked.l1',
      ],
      [
        { ...base, event: 'account.follow-requested', payload: { followId: 'f1', followerId: 'a1', followeeId: 'a2' } },
        'account.follow-requested.f1',
      ],
      [
        { ...base, event: 'account.blocked', payload: { blockId: 'b1', accountId: 'a1', targetId: 'a2' } },
        'account.blocked.b1',
      ],
      [
        { ...base, event: 'account.profile-updated', payload: { accountId: 'a1' } },
        'account.profile-updated.a1.1700000000000',
      ],
    ];
    for (const [job, id] of jobs) {
      expect(outboundJobId(job)).toBe(id);
      expect(outboundJobId(job)).not.toContain(':');
    }
  });
});
