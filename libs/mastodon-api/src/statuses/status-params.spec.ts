import { VisibilityModel } from '@guildhall/content';
import { parseFormBody } from '../http/params';
import { MastodonException } from '../http/mastodon.exception';
import { createStatusParams, pollParams, updateStatusParams } from './status-params';

describe('Mastodon status parameters', () => {
  it("reads a form's poll as Rails does", () => {
    const body = parseFormBody(
      'status=q&poll[options][]=yes&poll[options][]=no&poll[expires_in]=300&poll[multiple]=true&poll[hide_totals]=0',
    );
    expect(pollParams(body)).toEqual({ options: ['yes', 'no'], expiresIn: 300, multiple: true, hideTotals: false });
    expect(createStatusParams(body).poll).toEqual({
      options: ['yes', 'no'],
      expiresIn: 300,
      multiple: true,
      hideTotals: false,
    });
  });

  it('reads a JSON poll, and none without options', () => {
    expect(pollParams({ poll: { options: ['a', 'b'], expires_in: '60', hide_totals: true } })).toEqual({
      options: ['a', 'b'],
      expiresIn: 60,
      multiple: false,
      hideTotals: true,
    });
    expect(pollParams({ poll: { options: [] } })).toBeNull();
    expect(pollParams({})).toBeNull();
  });

  it("maps Mastodon's names to a post: private is FOLLOWERS, sensitive alone an empty warning", () => {
    const params = createStatusParams(
      parseFormBody('status=hi&visibility=private&sensitive=1&language=EN&media_ids[]=m1&media_ids[]=m2'),
    );
    expect(params).toEqual({
      input: {
        content: 'hi',
        contentWarning: '',
        language: 'en',
        visibility: VisibilityModel.FOLLOWERS,
        inReplyToId: null,
        mediaIds: ['m1', 'm2'],
      },
      scheduledAt: null,
      poll: null,
    });
  });

  it('publishes now for a scheduled time in the past', () => {
    expect(createStatusParams({ status: 'x', scheduled_at: '2001-01-01T00:00:00Z' }).scheduledAt).toBeNull();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect(createStatusParams({ status: 'x', scheduled_at: later }).scheduledAt?.toISOString()).toBe(later);
  });

  it.each([
    [{ status: '' }, 422],
    [{ status: 'x', visibility: 'friends' }, 422],
    [{ status: 'x', in_reply_to_id: '12' }, 404],
    [{ status: 'x', scheduled_at: 'tomorrow' }, 422],
    [{ status: { nested: true } }, 422],
  ])('refuses %j with %i', (body, status) => {
    let thrown: unknown;
    try {
      createStatusParams(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MastodonException);
    expect((thrown as MastodonException).status).toBe(status);
  });

  it('reads an edit: the whole text, media only when listed, sensitive only when sent', () => {
    expect(updateStatusParams({ status: 'new' })).toEqual({
      input: { content: 'new', contentWarning: '', language: undefined },
      sensitive: undefined,
      mediaIds: null,
      poll: null,
    });
    expect(updateStatusParams(parseFormBody('media_ids[]=a&sensitive=false'))).toMatchObject({
      input: { content: '' },
      sensitive: false,
      mediaIds: ['a'],
    });
  });
});
