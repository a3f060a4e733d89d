import { outboundJobId, type OutboundEventPayload } from './outbound.job';

const base = { at: 1_700_000_000_000, origin: 'https://guild.example' };
const liked = (eventId: string): OutboundEventPayload => ({
  ...base,
  eventId,
  event: 'post.liked',
  payload: { engagementId: 'l1', postId: 'p1', postAuthorId: 'a1', accountId: 'a2' },
});

describe('outboundJobId', () => {
  it('is the outbox event id: a re-delivered event is one job, another event of the same subject another', () => {
    expect(outboundJobId(liked('41'))).toBe('post.liked.event-41');
    expect(outboundJobId(liked('41'))).toBe(outboundJobId({ ...liked('41'), at: base.at + 5_000 }));
    expect(outboundJobId(liked('42'))).toBe('post.liked.event-42');
    const profile: OutboundEventPayload = {
      ...base,
      eventId: '43',
      event: 'account.profile-updated',
      payload: { accountId: 'a1' },
    };
    expect(outboundJobId(profile)).toBe('account.profile-updated.event-43');
    expect(outboundJobId(profile)).not.toContain(':');
  });
});
