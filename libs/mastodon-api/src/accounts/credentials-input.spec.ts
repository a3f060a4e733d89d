import { HttpStatus } from '@nestjs/common';
import { MastodonException } from '../http/mastodon.exception';
import { toProfileInput } from './credentials-input';

describe('toProfileInput', () => {
  it('maps Mastodon names to the profile input, reading form strings as booleans', async () => {
    const input = await toProfileInput({
      display_name: 'Alice',
      note: 'Hi **there**',
      locked: '1',
      discoverable: 'false',
      bot: 'true',
      source: { privacy: 'private' },
    });
    expect({ ...input }).toEqual({
      displayName: 'Alice',
      bio: 'Hi **there**',
      manuallyApprovesFollowers: true,
      discoverable: false,
    });
  });

  it('leaves out what was not sent', async () => {
    expect({ ...(await toProfileInput({})) }).toEqual({});
  });

  it('reads fields_attributes from a form object in numeric order and from a JSON array', async () => {
    const form = await toProfileInput({
      fields_attributes: {
        '10': { name: 'K', value: 'k' },
        '2': { name: 'B', value: 'b' },
        '0': { name: 'A', value: 'a' },
      },
    });
    expect(form.fields?.map((field) => field.name)).toEqual(['A', 'B', 'K']);
    const json = await toProfileInput({ fields_attributes: [{ name: 'X', value: 'y' }] });
    expect(json.fields?.map((field) => ({ ...field }))).toEqual([{ name: 'X', value: 'y' }]);
  });

  it.each([
    ['a 101-character display name', { display_name: 'x'.repeat(101) }, 'displayName must be at most'],
    ['a value without a name', { fields_attributes: [{ name: '', value: 'orphan' }] }, 'A profile field needs a name'],
    ['fields that are not a list', { fields_attributes: 'nope' }, 'fields_attributes must be a list of fields'],
    [
      'a 300-character field name',
      { fields_attributes: [{ name: 'n'.repeat(300), value: 'v' }] },
      'a field name is at most',
    ],
  ])('refuses %s with 422', async (_label, fields, message) => {
    const refused = await toProfileInput(fields).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MastodonException);
    expect((refused as MastodonException).status).toBe(HttpStatus.UNPROCESSABLE_ENTITY);
    expect((refused as MastodonException).message).toContain(message);
  });
});
